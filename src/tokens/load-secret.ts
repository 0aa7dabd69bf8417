/**
 * The token secret: GAZETTE_SECRET when set (several machines must share one), otherwise 32 random
 * bytes generated once into `<stateDir>/secret` (mode 0600, folder created 0700). Losing the file
 * invalidates every link already sent, so it is created once and never rewritten.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { GazetteError } from '../errors.js';

export const SECRET_FILE = 'secret';
const MIN_ENV_SECRET_CHARS = 32;
const SECRET_HEX = /^[0-9a-f]{64}$/;

export function loadSecret(stateDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.GAZETTE_SECRET?.trim();
  if (fromEnv) {
    if (fromEnv.length < MIN_ENV_SECRET_CHARS) {
      throw new GazetteError(
        'CONFIG',
        `GAZETTE_SECRET is too short (${fromEnv.length} characters; at least ${MIN_ENV_SECRET_CHARS}): use e.g. the output of "openssl rand -hex 32"`,
      );
    }
    return Buffer.from(fromEnv, 'utf8');
  }
  const file = join(stateDir, SECRET_FILE);
  return readSecretFile(file) ?? createSecretFile(stateDir, file);
}

function readSecretFile(file: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new GazetteError('STATE', `${file}: cannot read the token secret: ${(e as Error).message}`, { cause: e });
  }
  const hex = text.trim();
  if (!SECRET_HEX.test(hex)) {
    throw new GazetteError(
      'STATE',
      `${file}: not a Gazette secret (expected 64 hex digits). Restore it from a backup, or delete it to make a new one (links in emails already sent will then stop working)`,
    );
  }
  tighten(file);
  return Buffer.from(hex, 'hex');
}

function createSecretFile(stateDir: string, file: string): Buffer {
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new GazetteError('STATE', `${stateDir}: cannot create the state folder: ${(e as Error).message}`, { cause: e });
  }
  const secret = randomBytes(32);
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, `${secret.toString('hex')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // link() fails when the name exists, so of two processes starting at once exactly one secret wins
    // and the other reads it: nobody ever sees a half-written file.
    try {
      linkSync(temp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const existing = readSecretFile(file);
      if (existing) return existing;
      throw e;
    }
    return secret;
  } catch (e) {
    if (e instanceof GazetteError) throw e;
    throw new GazetteError('STATE', `${file}: cannot write the token secret: ${(e as Error).message}`, { cause: e });
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // Already gone: nothing to clean up.
    }
  }
}

/** A secret readable by others is a leak waiting to happen; narrow it to the owner when we can. */
function tighten(file: string): void {
  try {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  } catch {
    // Not ours to change (another owner, read-only mount): reading still works.
  }
}
