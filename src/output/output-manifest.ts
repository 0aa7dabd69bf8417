/**
 * What the writer last put in out/: for each path the sha256, size, mtime and ctime of the bytes
 * written. It lets a rebuild skip a file after one stat() instead of reading it, and it is the only
 * list of files the writer may delete: anything in out/ that is not in it belongs to someone else.
 *
 * Any change to a file moves its ctime, which nobody can set by hand: an out/ file edited in place
 * with its size and mtime put back is still told apart.
 */
import { readFileSync, type Stats } from 'node:fs';
import { writeFileAtomic } from './write-file-atomic.js';

export interface ManifestEntry {
  readonly sha256: string;
  readonly size: number;
  /** The file's mtime when we last knew its bytes; null while a write is in flight. */
  readonly mtimeMs: number | null;
  /** Its ctime then; null while a write is in flight (or in a manifest from before ctimes). */
  readonly ctimeMs: number | null;
  /** When (Date.now()) we last knew the file held exactly these bytes: written or compared. */
  readonly checkedAt: number;
}

export interface Manifest {
  /** The absolute out/ folder the entries describe. A manifest for another folder is ignored. */
  readonly outDir: string;
  readonly files: ReadonlyMap<string, ManifestEntry>;
  /** Temporary files of a write that may not have finished; the next run deletes them. */
  readonly pendingTemps: readonly string[];
}

/**
 * 2: `files` is a list of rows [path, sha256, size, mtimeMs, checkedAt, ctimeMs], sorted by path
 * (read and written three times faster than version 1's object keyed by path, which is still read).
 */
const VERSION = 2;

/** The manifest's name under the state folder. */
export const MANIFEST_FILE = 'out-manifest.json';

/**
 * A file can be edited within the same timestamp tick as our write (coarse clocks; 2 s on FAT) and
 * keep both its mtime and size. So an entry is trusted on stat alone only once its bytes were
 * known to be right at least this long after that mtime; until then the bytes are compared (once:
 * the comparison itself then settles the entry).
 */
export const RACY_MS = 2000;

/** The entry's bytes were confirmed well after its last change: from now on a stat can vouch for them. */
export function isSettled(entry: ManifestEntry): entry is ManifestEntry & { readonly mtimeMs: number; readonly ctimeMs: number } {
  return entry.mtimeMs !== null && entry.ctimeMs !== null && entry.checkedAt - Math.max(entry.mtimeMs, entry.ctimeMs) >= RACY_MS;
}

/** `stat` shows the very file a settled entry describes: its bytes need not be read. */
export function statVouches(entry: ManifestEntry, stat: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs'>): boolean {
  return isSettled(entry) && entry.size === stat.size && entry.mtimeMs === stat.mtimeMs && entry.ctimeMs === stat.ctimeMs;
}

/** An entry of the known bytes, stamped with the stat taken before they were confirmed. */
export function confirmedEntry(sha256: string, stat: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs'>, checkedAt: number): ManifestEntry {
  return { sha256, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, checkedAt };
}

/** The file at `abs` holds exactly `bytes` (false when it cannot be read). */
export function fileHolds(abs: string, bytes: Uint8Array): boolean {
  try {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(readFileSync(abs));
  } catch {
    return false;
  }
}

/**
 * How many files the saved manifest for `outDir` lists, when every one is settled and `stat` still
 * vouches for it and no write is pending; otherwise undefined. Reads the entries as they are
 * stored, without building a Manifest: the no-change shortcut asks this of ten thousand files.
 */
export function countVouchedFiles(file: string, outDir: string, stat: (path: string) => Stats | undefined): number | undefined {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(data) || !Array.isArray(data.pendingTemps) || data.pendingTemps.length > 0) return undefined;
  let count = 0;
  const complete = eachStored(data, outDir, (path, entry) => {
    const s = entry && stat(path);
    if (!entry || !s?.isFile() || !statVouches(entry, s)) return false;
    count++;
    return true;
  });
  return complete ? count : undefined;
}

/**
 * Calls `visit` with each stored path and its entry (undefined when malformed), from either
 * version, until it returns false. False when `data` is no manifest for `outDir` or a visit
 * returned false.
 */
function eachStored(data: unknown, outDir: string, visit: (path: string, entry: ManifestEntry | undefined) => boolean): boolean {
  if (!isRecord(data) || data.outDir !== outDir) return false;
  if (data.version === VERSION && Array.isArray(data.files)) {
    for (const row of data.files as unknown[]) {
      if (!Array.isArray(row) || typeof row[0] !== 'string') continue;
      if (!visit(row[0], entryOf(row, 1))) return false;
    }
    return true;
  }
  if (data.version === 1 && isRecord(data.files)) {
    for (const path in data.files) if (!visit(path, entryOf(data.files[path], 0))) return false;
    return true;
  }
  return false;
}

export function emptyManifest(outDir: string): Manifest {
  return { outDir, files: new Map(), pendingTemps: [] };
}

/**
 * The saved manifest for `outDir`, or an empty one when there is none, it is unreadable, or it
 * describes another folder. An empty manifest is always safe: every file is then compared byte
 * for byte, and nothing is deleted.
 */
export function readManifest(file: string, outDir: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return emptyManifest(outDir);
  }
  const files = new Map<string, ManifestEntry>();
  const known = eachStored(data, outDir, (path, entry) => {
    if (entry) files.set(path, entry);
    return true;
  });
  if (!known || !isRecord(data)) return emptyManifest(outDir);
  const pendingTemps = Array.isArray(data.pendingTemps) ? data.pendingTemps.filter((p): p is string => typeof p === 'string') : [];
  return { outDir, files, pendingTemps };
}

export function writeManifest(file: string, manifest: Manifest): void {
  // Rows [path, sha256, size, mtimeMs, checkedAt, ctimeMs]: 10,000 of them stay around 1.6 MB.
  const files: [string, string, number, number | null, number, number | null][] = [];
  for (const path of [...manifest.files.keys()].sort()) {
    const e = manifest.files.get(path)!;
    files.push([path, e.sha256, e.size, e.mtimeMs, e.checkedAt, e.ctimeMs]);
  }
  const json = JSON.stringify({
    version: VERSION,
    outDir: manifest.outDir,
    pendingTemps: manifest.pendingTemps,
    files,
  });
  writeFileAtomic(file, `${json}\n`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A stored entry, [sha256, size, mtimeMs, checkedAt, ctimeMs] (a version 2 row without its path);
 * an entry written before ctimes were kept has no fifth field, and is then never trusted on stat
 * until its bytes are compared again.
 */
function entryOf(raw: unknown, offset: number): ManifestEntry | undefined {
  if (!Array.isArray(raw) || (raw.length - offset !== 4 && raw.length - offset !== 5)) return undefined;
  const sha256: unknown = raw[offset];
  const size: unknown = raw[offset + 1];
  const mtimeMs: unknown = raw[offset + 2];
  const checkedAt: unknown = raw[offset + 3];
  const ctimeMs: unknown = raw.length - offset === 5 ? raw[offset + 4] : null;
  if (typeof sha256 !== 'string' || typeof size !== 'number' || typeof checkedAt !== 'number') return undefined;
  if (!(typeof mtimeMs === 'number' || mtimeMs === null) || !(typeof ctimeMs === 'number' || ctimeMs === null)) return undefined;
  return { sha256, size, mtimeMs, ctimeMs, checkedAt };
}
