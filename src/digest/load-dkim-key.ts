/**
 * The DKIM key, when `email.dkim` is configured: the PEM text from GAZETTE_DKIM_KEY, else the file
 * `email.dkim.privateKeyFile` (relative to the site root, never inside out/). The key's text is never
 * put into a message.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { ConfigData } from '../config/index.js';
import { GazetteError } from '../errors.js';
import { dkimKey, type DkimKey } from './dkim.js';

export type DkimConfig = NonNullable<NonNullable<ConfigData['email']>['dkim']>;

export interface DkimKeyPaths {
  readonly root: string;
  readonly out: string;
}

export function loadDkimKey(config: DkimConfig | undefined, paths: DkimKeyPaths, env: NodeJS.ProcessEnv = process.env): DkimKey | null {
  if (!config) return null;
  const fromEnv = env.GAZETTE_DKIM_KEY?.trim();
  let pem: string;
  let source: string;
  if (fromEnv) {
    // Environments often hold the PEM on one line with literal "\n".
    pem = fromEnv.includes('\\n') && !fromEnv.includes('\n') ? fromEnv.replace(/\\n/g, '\n') : fromEnv;
    source = 'GAZETTE_DKIM_KEY';
  } else if (config.privateKeyFile) {
    const file = resolve(paths.root, config.privateKeyFile);
    const inOut = relative(paths.out, file);
    if (!inOut.startsWith('..') && !isAbsolute(inOut)) {
      throw new GazetteError('CONFIG', `email.dkim.privateKeyFile: ${config.privateKeyFile} is inside out/, which is published; keep the key elsewhere`);
    }
    try {
      pem = readFileSync(file, 'utf8');
    } catch (e) {
      throw new GazetteError('CONFIG', `email.dkim.privateKeyFile: cannot read ${config.privateKeyFile}: ${(e as Error).message}`, { cause: e });
    }
    source = `email.dkim.privateKeyFile (${config.privateKeyFile})`;
  } else {
    throw new GazetteError('CONFIG', 'email.dkim: set privateKeyFile to the PEM key file, or the GAZETTE_DKIM_KEY environment variable to its text');
  }
  try {
    return dkimKey(config.domainName, config.keySelector, pem);
  } catch (e) {
    throw new GazetteError('CONFIG', `${source}: not a usable DKIM key: ${(e as Error).message}`, { cause: e });
  }
}
