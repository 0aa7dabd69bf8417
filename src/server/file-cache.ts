/**
 * What the static handler knows about the files of out/: type, size, mtime, a strong ETag (a hash
 * of the bytes) and, for files small enough, the bytes themselves and their brotli/gzip forms.
 *
 * Invariants:
 * - An entry is only ever used for the file version it was made from: each lookup stats the path
 *   and compares (inode, size, mtime, ctime) with the entry. Gazette replaces files by rename, so
 *   a new version always has a new inode; an in-place edit changes mtime/ctime. The hash and the
 *   bytes are read from one open file descriptor, so they describe the same version.
 * - Nothing outside out/ is ever returned: a new entry is only made after realpath() of the file
 *   is found inside realpath(out/) with no segment starting with "." (a symlink that points out,
 *   or at a dotfile, is treated as missing). A swapped symlink, or a re-pointed out/, changes the
 *   stat (another inode), so it is re-checked.
 * - Memory is bounded: bodies and their compressed forms count against `maxBytes`; the oldest
 *   entries are dropped first. Bigger files are hashed by streaming and served from disk.
 */
import { createHash } from 'node:crypto';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { stat as statCallback, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { join, relative, resolve, sep } from 'node:path';
import { brotliCompress, constants as zlibConstants, gzip, type BrotliOptions, type InputType, type ZlibOptions } from 'node:zlib';
import type { Coding } from './accept-encoding.js';
import { fileKind, type FileKind } from './content-types.js';

const brotliAsync = promisify<InputType, BrotliOptions, Buffer>(brotliCompress);
const gzipAsync = promisify<InputType, ZlibOptions, Buffer>(gzip);

export interface FileEntry {
  /** Relative to out/, forward slashes. */
  readonly path: string;
  /** The real path on disk, inside realpath(out/). */
  readonly realPath: string;
  readonly kind: FileKind;
  readonly size: number;
  readonly mtimeMs: number;
  /** 128 bits of SHA-256 of the bytes, in hex: the opaque part of the strong ETag. */
  readonly hex: string;
  /** HTTP date of mtime. */
  readonly lastModified: string;
  /** The bytes, when the file is small enough to keep in memory. */
  readonly body: Buffer | null;
  /** Stat identity the entry was made from. */
  readonly identity: string;
}

export type Lookup =
  | { readonly type: 'file'; readonly entry: FileEntry }
  | { readonly type: 'directory' }
  | { readonly type: 'missing' };

export interface FileCacheOptions {
  /** Bytes of file content (and compressed forms) kept in memory. Default 64 MiB. */
  readonly maxBytes?: number;
  /** Files up to this size are kept in memory. Default 1 MiB. */
  readonly maxFileBytes?: number;
}

export interface FileCache {
  lookup(path: string): Promise<Lookup>;
  /** `body` (the entry's own, held in memory) in `coding`: compressed once per file version and kept. */
  encoded(entry: FileEntry, body: Buffer, coding: Coding): Promise<Buffer>;
  /** Opens the file of an entry that is not in memory; null when it changed since (look up again). */
  openVerified(entry: FileEntry): Promise<FileHandle | null>;
}

const MISSING: Lookup = { type: 'missing' };
const DIRECTORY: Lookup = { type: 'directory' };
const statAsync = (path: string): Promise<Stats | null> =>
  new Promise((resolve) => statCallback(path, (err, s) => resolve(err ? null : s)));

interface Slot {
  entry: FileEntry;
  encodings: Map<Coding, Promise<Buffer>>;
  bytes: number;
}

export function createFileCache(outDir: string, options: FileCacheOptions = {}): FileCache {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const maxFileBytes = options.maxFileBytes ?? 1024 * 1024;
  const slots = new Map<string, Slot>();
  const building = new Map<string, Promise<Lookup>>();
  let heldBytes = 0;
  const base = resolve(outDir);

  // Resolved again for every new entry (not on the hot path): out/ may itself be a symlink that a
  // deploy re-points, and it may not exist yet (serve before the first build).
  const outRoot = async (): Promise<string | null> => {
    try {
      return await realpath(base);
    } catch {
      return null;
    }
  };

  const insideOut = (root: string, real: string): boolean => {
    if (!real.startsWith(root + sep)) return false;
    return !relative(root, real).split(sep).some((s) => s.startsWith('.'));
  };

  const forget = (path: string): void => {
    const slot = slots.get(path);
    if (!slot) return;
    heldBytes -= slot.bytes;
    slots.delete(path);
  };

  const account = (slot: Slot, bytes: number): void => {
    slot.bytes += bytes;
    heldBytes += bytes;
    // Map iteration order is insertion order: the oldest entries go first.
    for (const [key] of slots) {
      if (heldBytes <= maxBytes) break;
      if (key !== slot.entry.path) forget(key);
    }
  };

  const build = async (path: string, s: Stats): Promise<Lookup> => {
    const root = await outRoot();
    if (!root) return MISSING;
    const abs = join(root, path);
    let real: string;
    try {
      real = await realpath(abs);
    } catch {
      return MISSING;
    }
    if (!insideOut(root, real)) return MISSING;
    if (s.isDirectory()) return DIRECTORY;
    let handle: FileHandle;
    try {
      handle = await open(real, 'r');
    } catch {
      return MISSING;
    }
    try {
      const fs = await handle.stat();
      if (!fs.isFile()) return MISSING;
      const { hex, body } = await hashFile(handle, fs.size, fs.size <= maxFileBytes);
      const entry: FileEntry = {
        path,
        realPath: real,
        kind: fileKind(path.slice(path.lastIndexOf('/') + 1)),
        size: fs.size,
        mtimeMs: fs.mtimeMs,
        hex,
        lastModified: new Date(fs.mtimeMs).toUTCString(),
        body,
        identity: identityOf(fs),
      };
      forget(path);
      const slot: Slot = { entry, encodings: new Map(), bytes: 0 };
      slots.set(path, slot);
      if (body) account(slot, body.length);
      return { type: 'file', entry };
    } finally {
      await handle.close();
    }
  };

  return {
    async lookup(path: string): Promise<Lookup> {
      const s = await statAsync(join(base, path));
      if (!s) {
        forget(path);
        return MISSING;
      }
      if (!s.isFile() && !s.isDirectory()) return MISSING;
      const slot = slots.get(path);
      if (slot && s.isFile() && slot.entry.identity === identityOf(s)) return { type: 'file', entry: slot.entry };
      // Requests for the same new file share one build (a burst right after a rebuild).
      const pending = building.get(path);
      if (pending) return pending;
      const job = build(path, s).finally(() => building.delete(path));
      building.set(path, job);
      return job;
    },

    encoded(entry: FileEntry, body: Buffer, coding: Coding): Promise<Buffer> {
      const slot = slots.get(entry.path);
      if (!slot || slot.entry !== entry) return compress(body, coding); // replaced meanwhile: do not keep.
      let job = slot.encodings.get(coding);
      if (!job) {
        job = compress(body, coding);
        slot.encodings.set(coding, job);
        job.then(
          (buf) => {
            if (slots.get(entry.path) === slot) account(slot, buf.length);
          },
          () => slot.encodings.delete(coding),
        );
      }
      return job;
    },

    async openVerified(entry: FileEntry): Promise<FileHandle | null> {
      let handle: FileHandle;
      try {
        handle = await open(entry.realPath, 'r');
      } catch {
        return null;
      }
      const s = await handle.stat();
      if (identityOf(s) !== entry.identity) {
        await handle.close();
        forget(entry.path);
        return null;
      }
      return handle;
    },
  };
}

function identityOf(s: Stats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

async function hashFile(handle: FileHandle, size: number, keep: boolean): Promise<{ hex: string; body: Buffer | null }> {
  const hash = createHash('sha256');
  if (keep) {
    const body = await handle.readFile();
    hash.update(body);
    return { hex: hash.digest('hex').slice(0, 32), body };
  }
  const chunk = Buffer.allocUnsafe(Math.min(size, 256 * 1024) || 1);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) break;
    hash.update(chunk.subarray(0, bytesRead));
    position += bytesRead;
  }
  return { hex: hash.digest('hex').slice(0, 32), body: null };
}

/** Once per file version, so a high brotli quality is affordable; off the main thread (libuv pool). */
function compress(body: Buffer, coding: Coding): Promise<Buffer> {
  return coding === 'br'
    ? brotliAsync(body, {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: body.length > 256 * 1024 ? 9 : 11,
          [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      })
    : gzipAsync(body, { level: 9 });
}

