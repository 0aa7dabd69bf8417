/**
 * The one check every path must pass before the writer touches out/: relative, forward slashes,
 * no "." or ".." segment, nothing that could land outside out/ or be read differently by another
 * operating system.
 */
import { GazetteError } from '../errors.js';

// C0 controls, DEL and the characters Windows forbids in names: a file named with them cannot be
// served, synced or checked out everywhere.
const BAD_CHARS = /[\u0000-\u001f\u007f\\:*?"<>|]/;

/** Returns `path` unchanged when it is a safe relative output path; throws GazetteError('OUTPUT') otherwise. */
export function checkOutputPath(path: string): string {
  const problem = outputPathProblem(path);
  if (problem) throw new GazetteError('OUTPUT', `output path ${JSON.stringify(path)}: ${problem}`);
  return path;
}

/**
 * Paths every check below passes, found with one regex: lower-case ASCII segments that start with
 * a letter or digit (never "." or ".."), none longer than 201 bytes. Nearly every path a build
 * produces ("articles/<slug>/index.html") is one; the rest take the full checks.
 */
const PLAINLY_SAFE = /^(?:[a-z0-9][a-z0-9._-]{0,200}\/)*[a-z0-9][a-z0-9._-]{0,200}$/;

/** Why `path` is not a safe output path, or null. Exported for the tests. */
export function outputPathProblem(path: unknown): string | null {
  if (typeof path === 'string' && PLAINLY_SAFE.test(path)) return null;
  if (typeof path !== 'string' || path === '') return 'empty';
  if (path.startsWith('/')) return 'must be relative to out/, not absolute';
  if (path.includes('\\')) return 'must use forward slashes, not backslashes';
  if (/^[A-Za-z]:/.test(path)) return 'must be relative to out/, not a drive path';
  const bad = BAD_CHARS.exec(path);
  if (bad) return `contains the character ${JSON.stringify(bad[0])}, which is not allowed in file names`;
  for (const segment of path.split('/')) {
    if (segment === '') return 'has an empty segment ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment; paths must stay inside out/`;
    if (Buffer.byteLength(segment) > 255) return `segment "${segment.slice(0, 40)}…" is longer than 255 bytes`;
  }
  return null;
}
