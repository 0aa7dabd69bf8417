import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSecret } from '../../src/tokens/index.js';
import { GazetteError } from '../../src/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gazette-secret-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('loadSecret', () => {
  it('generates 32 random bytes once into <state>/secret, mode 0600 in a 0700 folder', () => {
    const state = join(dir, '.gazette');
    const first = loadSecret(state, {});
    expect(first.length).toBe(32);
    expect(statSync(state).mode & 0o777).toBe(0o700);
    expect(statSync(join(state, 'secret')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(state, 'secret'), 'utf8')).toBe(`${first.toString('hex')}\n`);
    // Same secret on every later run: links already sent keep working.
    expect(loadSecret(state, {}).equals(first)).toBe(true);
    expect(loadSecret(join(dir, 'other'), {}).equals(first)).toBe(false);
  });

  it('prefers GAZETTE_SECRET and writes nothing then', () => {
    const state = join(dir, '.gazette');
    const secret = loadSecret(state, { GAZETTE_SECRET: 'f'.repeat(40) });
    expect(secret.toString('utf8')).toBe('f'.repeat(40));
    expect(existsSync(join(state, 'secret'))).toBe(false);
  });

  it('rejects a short GAZETTE_SECRET with advice', () => {
    expect(() => loadSecret(dir, { GAZETTE_SECRET: 'hunter2' })).toThrow(/GAZETTE_SECRET is too short .*openssl rand/);
  });

  it('reports a damaged secret file instead of silently replacing it', () => {
    writeFileSync(join(dir, 'secret'), 'not hex at all\n');
    let error: unknown;
    try {
      loadSecret(dir, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GazetteError);
    expect((error as GazetteError).code).toBe('STATE');
    expect((error as Error).message).toContain(join(dir, 'secret'));
    expect(readFileSync(join(dir, 'secret'), 'utf8')).toBe('not hex at all\n');
  });

  it('narrows a secret file that others can read', () => {
    writeFileSync(join(dir, 'secret'), `${'ab'.repeat(32)}\n`);
    chmodSync(join(dir, 'secret'), 0o644);
    expect(loadSecret(dir, {}).toString('hex')).toBe('ab'.repeat(32));
    expect(statSync(join(dir, 'secret')).mode & 0o777).toBe(0o600);
  });

  it('gives every process the same secret when several start at once', async () => {
    const state = join(dir, 'race');
    const root = join(import.meta.dirname, '..', '..');
    const script = join(dir, 'load.ts');
    writeFileSync(
      script,
      `import { loadSecret } from ${JSON.stringify(join(root, 'src', 'tokens', 'load-secret.ts'))};\n` +
        `process.stdout.write(loadSecret(${JSON.stringify(state)}, {}).toString('hex'));\n`,
    );
    const cli = join(root, 'node_modules', 'jiti', 'lib', 'jiti-cli.mjs');
    const runs = await Promise.all(
      Array.from({ length: 6 }, () => new Promise<string>((done, fail) => {
        execFile(process.execPath, [cli, script], { cwd: root }, (error, stdout) => (error ? fail(error) : done(stdout)));
      })),
    );
    expect(runs.every((hex) => /^[0-9a-f]{64}$/.test(hex))).toBe(true);
    expect(new Set(runs).size).toBe(1);
    expect(readFileSync(join(state, 'secret'), 'utf8').trim()).toBe(runs[0]);
  });
});
