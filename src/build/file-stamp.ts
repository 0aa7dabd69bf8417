/**
 * What stat() tells about a source file, kept with its cached parse so an unchanged file is not
 * even read on the next build (the rule git uses for its index).
 *
 * Any write changes the size, the mtime or the ctime; a file replaced by another (editor save,
 * checkout, rsync) changes the inode or the ctime, and nobody can set a ctime by hand. The one
 * blind spot is a write within the same timestamp tick as our read (coarse clocks; 2 s on FAT):
 * size and times could then match although the bytes differ. So a stamp is trusted only when its
 * file was last changed at least RACY_MS before we read it; a younger one is checked by content
 * (read and fingerprinted, which is still far cheaper than parsing).
 */
import type { Stats } from 'node:fs';
// The writer's rule for output files, and the same clocks: one number for both.
import { RACY_MS } from '../output/output-manifest.js';

export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly dev: number;
  /** Date.now() taken just before the bytes this stamp vouches for were read. */
  readonly readAt: number;
}

export function stampOf(stats: Stats, readAt: number): FileStamp {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino, dev: stats.dev, readAt };
}

/** True when `stats` shows the very file, unchanged, whose bytes `stamp` was taken from. */
export function stampStillHolds(stamp: FileStamp, stats: Stats): boolean {
  return (
    stamp.size === stats.size &&
    stamp.mtimeMs === stats.mtimeMs &&
    stamp.ctimeMs === stats.ctimeMs &&
    stamp.ino === stats.ino &&
    stamp.dev === stats.dev &&
    stampIsSettled(stamp)
  );
}

/** The file was last changed well before the stamp was taken: a stat can vouch for it from now on. */
export function stampIsSettled(stamp: FileStamp): boolean {
  return stamp.readAt - Math.max(stamp.mtimeMs, stamp.ctimeMs) >= RACY_MS;
}
