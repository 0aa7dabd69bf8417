// A folder's contents made comparable: "left exactly as it was", "equals a build from scratch".
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir` (hidden ones included), relative, sorted; [] when there is no `dir`. */
export function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/**
 * Path → sha256 of every file under `dir`. With `folders`, every folder too ("path/" → "folder"),
 * so an empty folder left behind counts as a difference.
 */
export function snapshot(dir: string, options: { folders?: boolean } = {}): Record<string, string> {
  const files = walk(dir).map((p) => [p, createHash('sha256').update(readFileSync(join(dir, p))).digest('hex')] as const);
  if (!options.folders || !existsSync(dir)) return Object.fromEntries(files);
  const folders = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => [`${relative(dir, join(e.parentPath, e.name))}/`, 'folder'] as const);
  return Object.fromEntries([...files, ...folders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Path → mtime of every file under `dir`. */
export function mtimes(dir: string): Record<string, number> {
  return Object.fromEntries(walk(dir).map((p) => [p, statSync(join(dir, p)).mtimeMs]));
}
