/**
 * Replace a file in one step: write a sibling temporary file, then rename it over the target.
 * rename(2) within one directory is atomic, so a reader sees the old bytes or the new ones, never
 * a mix or an empty file.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * A temporary name beside `file`: hidden, tagged with our pid and a random part so concurrent
 * writers never collide, and short enough for a 255-byte file-name limit.
 */
/** A path (relative or absolute, "/" separators) whose last segment is one of tempPathFor's names. */
export const TEMP_FILE = /(^|\/)\.[^/]+\.\d+\.[0-9a-f]{12}\.tmp$/;

export function tempPathFor(file: string, tag: string = randomBytes(6).toString('hex')): string {
  const base = basename(file);
  const short = Buffer.byteLength(base) > 120 ? Buffer.from(base).subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '') : base;
  return join(dirname(file), `.${short}.${process.pid}.${tag}.tmp`);
}

export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = tempPathFor(file);
  try {
    writeFileSync(temp, data, { flag: 'wx' });
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
