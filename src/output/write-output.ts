/**
 * Puts the built site into out/: atomic (every changed file is written under a temporary name and
 * renamed into place), quiet (a file whose bytes did not change is not touched, so its mtime,
 * ETag and rsync state stay), and clean (files we wrote before and no longer produce are removed,
 * with the folders they leave empty; files we never wrote are never touched).
 *
 * Crash safety: before any rename, an "intent" manifest lists every file about to change (with an
 * unknown mtime, so it will be compared byte for byte) and every temporary file; after the renames
 * the real manifest replaces it. Whatever point a run dies at, the next run knows every file it may
 * own and every temporary file to delete, and repairs anything that does not match.
 *
 * File calls are synchronous on purpose: for thousands of small files they are several times
 * faster than a promise round trip each, and the no-change path is one stat() per file.
 */
import { hash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { GazetteError } from '../errors.js';
import type { OutputFile } from '../model/index.js';
import { checkOutputPath } from './output-path.js';
import { confirmedEntry, fileHolds, readManifest, statVouches, writeManifest, type Manifest, type ManifestEntry } from './output-manifest.js';
import { isStaged, type StagedOutputFile } from './output-stager.js';
import { TEMP_FILE, tempPathFor } from './write-file-atomic.js';

export interface WriteOptions {
  /** The manifest file, under .gazette/ (never under out/). */
  readonly manifestFile: string;
  /** Work out what would change and report it; write and delete nothing. */
  readonly dryRun?: boolean;
}

export interface WriteResult {
  /** Paths written (new or changed), in the order given. */
  readonly written: string[];
  /** How many of the given files already had exactly these bytes on disk. */
  readonly unchanged: number;
  /** Paths deleted because this build no longer produces them, sorted. */
  readonly removed: string[];
}

interface Change {
  readonly path: string;
  readonly abs: string;
  readonly temp: string;
  /**
   * Kept as given (a string is encoded only when written), so a full rebuild holds one copy;
   * undefined for a staged file, already written under `temp`.
   */
  readonly content: string | Uint8Array | undefined;
  readonly size: number;
  readonly sha256: string;
}

/**
 * `files` may include staged files (output-stager.ts): already written under their temporary
 * name, they are compared, renamed or deleted like any other, and never written again.
 */
export async function writeOutput(outDir: string, files: Iterable<OutputFile | StagedOutputFile>, opts: WriteOptions): Promise<WriteResult> {
  const root = resolve(outDir);
  const dryRun = opts.dryRun === true;
  const previous = readManifest(opts.manifestFile, root);
  if (!dryRun) removeLeftoverTemps(root, previous.pendingTemps);

  // 1. Plan: hash every file and decide, by stat or by bytes, whether it must be written.
  const next = new Map<string, ManifestEntry>();
  const changes: Change[] = [];
  let unchanged = 0;
  let manifestDirty = previous.pendingTemps.length > 0;
  for (const file of files) {
    const path = checkOutputPath(file.path);
    if (next.has(path)) throw new GazetteError('OUTPUT', `output path "${path}" is produced twice in one build (two sources map to the same file)`);
    const staged = isStaged(file) ? file.staged : undefined;
    const content = staged ? undefined : (file as OutputFile).content;
    // Hash and measure the string itself: no byte copy unless the file must be compared or written.
    const size = staged ? staged.size : typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content!.byteLength;
    const sha256 = staged ? staged.sha256 : hash('sha256', content!, 'hex');
    const abs = join(root, path);
    const stat = lstatQuiet(abs);
    const prev = previous.files.get(path);
    if (stat?.isFile() && stat.size === size) {
      const checkedAt = Date.now();
      const known = prev !== undefined && prev.sha256 === sha256 && statVouches(prev, stat);
      if (known || (staged ? sameAsStaged(abs, staged.temp) : fileHolds(abs, toBytes(content!)))) {
        if (staged) rmSync(staged.temp, { force: true });
        const entry = known ? prev : confirmedEntry(sha256, stat, checkedAt);
        next.set(path, entry);
        unchanged += 1;
        // Save when the entry is new or different, or when this comparison settled it.
        const changed = !prev || prev.sha256 !== sha256 || prev.size !== entry.size || prev.mtimeMs !== entry.mtimeMs || prev.ctimeMs !== entry.ctimeMs;
        if (entry !== prev && (changed || statVouches(entry, stat))) manifestDirty = true;
        continue;
      }
    }
    next.set(path, { sha256, size, mtimeMs: null, ctimeMs: null, checkedAt: 0 });
    changes.push({ path, abs, temp: staged ? staged.temp : tempPathFor(abs), content, size, sha256 });
  }
  checkFileFolderClashes(next.keys());
  const stale = [...previous.files.keys()].filter((p) => !next.has(p)).sort();

  if (dryRun) {
    for (const c of changes) if (c.content === undefined) rmSync(c.temp, { force: true });
    const removed = stale.filter((p) => lstatQuiet(join(root, p)) !== undefined);
    return { written: changes.map((c) => c.path), unchanged, removed };
  }
  if (changes.length === 0 && stale.length === 0) {
    if (manifestDirty) writeManifest(opts.manifestFile, { outDir: root, files: next, pendingTemps: [] });
    return { written: [], unchanged, removed: [] };
  }

  // 2. Intent: from here on a crash leaves a manifest that names every file we may have touched
  //    (changed ones with an unknown mtime, so they get compared) and every temporary file.
  const intent = new Map(previous.files);
  for (const [path, entry] of next) intent.set(path, entry);
  writeManifest(opts.manifestFile, { outDir: root, files: intent, pendingTemps: changes.map((c) => relativeTo(root, c.temp)) });

  // 3. Make room where an old file must become a folder, or an old folder a file.
  const removed: string[] = [];
  const kept = new Map<string, ManifestEntry>();
  const early = new Set(clashingStale(stale, changes));
  for (const path of early) removeOwned(root, path, removed, kept, previous);

  // 4. Write every changed file under its temporary name. Nothing visible has changed yet.
  const createdDirs: string[] = [];
  let current: Change | undefined;
  try {
    for (const c of changes) {
      current = c;
      if (c.content === undefined) continue; // staged: written already
      const created = mkdirSync(dirname(c.abs), { recursive: true });
      if (created) createdDirs.push(created);
      writeFileSync(c.temp, c.content, { flag: 'wx' });
    }
  } catch (e) {
    for (const c of changes) rmSync(c.temp, { force: true });
    // Folders this run created are empty again: remove them, deepest first, up to the first we made.
    for (const c of changes) {
      const top = createdDirs.find((d) => c.abs.startsWith(d + sep));
      if (top) removeEmptyFolders(dirname(top), c.abs);
    }
    const files = new Map(previous.files);
    for (const path of removed) files.delete(path);
    writeManifest(opts.manifestFile, { outDir: root, files, pendingTemps: [] });
    throw outputError(e, 'cannot write', current?.abs ?? root);
  }

  // 5. Rename into place. Each rename is atomic; a failure still leaves a true manifest behind.
  const written: string[] = [];
  for (const c of changes) {
    try {
      renameSync(c.temp, c.abs);
    } catch (e) {
      const done = new Set(written);
      for (const other of changes) {
        if (done.has(other.path)) continue;
        rmSync(other.temp, { force: true });
        // Not renamed: the file on disk is whatever was there before; keep what we knew of it.
        const prev = previous.files.get(other.path);
        if (prev) next.set(other.path, prev);
        else next.delete(other.path);
      }
      for (const path of stale) if (!early.has(path)) next.set(path, previous.files.get(path)!);
      for (const [path, entry] of kept) next.set(path, entry);
      writeManifest(opts.manifestFile, { outDir: root, files: next, pendingTemps: [] });
      throw outputError(e, 'cannot replace', c.abs);
    }
    written.push(c.path);
    // No stat: a file written moments ago is never trusted on stat (RACY_MS), so the next run
    // compares its bytes whatever its times, and records them then (confirmedEntry).
    next.set(c.path, { sha256: c.sha256, size: c.size, mtimeMs: null, ctimeMs: null, checkedAt: 0 });
  }

  // 6. Clean: remove what this build no longer produces, then the folders left empty.
  for (const path of stale) if (!early.has(path)) removeOwned(root, path, removed, kept, previous);
  for (const [path, entry] of kept) next.set(path, entry);
  writeManifest(opts.manifestFile, { outDir: root, files: next, pendingTemps: [] });
  removed.sort();
  return { written, unchanged, removed };
}

/** The file's lstat, or undefined when nothing is there (or a file sits where a folder should be). */
function lstatQuiet(abs: string): Stats | undefined {
  try {
    return lstatSync(abs, { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw outputError(e, 'cannot read', abs);
  }
}

function toBytes(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}

/** The staged temporary file and the file at `abs` hold the same bytes. */
function sameAsStaged(abs: string, temp: string): boolean {
  let staged: Buffer;
  try {
    staged = readFileSync(temp);
  } catch {
    return false;
  }
  return fileHolds(abs, staged);
}

/** "a" and "a/b" cannot both be files. */
function checkFileFolderClashes(paths: Iterable<string>): void {
  const files = new Set(paths);
  for (const path of files) {
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
      const folder = path.slice(0, i);
      if (files.has(folder)) throw new GazetteError('OUTPUT', `output path "${folder}" is produced as a file but "${path}" needs it to be a folder`);
    }
  }
}

/** Stale files in the way of a change: a file where a folder must be, or files inside what must become a file. */
function clashingStale(stale: readonly string[], changes: readonly Change[]): string[] {
  if (stale.length === 0) return [];
  const folders = new Set<string>();
  const targets = new Set<string>();
  for (const c of changes) {
    targets.add(c.path);
    for (let i = c.path.indexOf('/'); i !== -1; i = c.path.indexOf('/', i + 1)) folders.add(c.path.slice(0, i));
  }
  return stale.filter((s) => {
    if (folders.has(s)) return true;
    for (let i = s.indexOf('/'); i !== -1; i = s.indexOf('/', i + 1)) if (targets.has(s.slice(0, i))) return true;
    return false;
  });
}

/**
 * Delete a file we wrote earlier and the folders it leaves empty (never out/ itself, never a folder
 * that still holds anything). A file that cannot be deleted stays in the manifest for next time.
 */
function removeOwned(root: string, path: string, removed: string[], kept: Map<string, ManifestEntry>, previous: Manifest): void {
  const abs = join(root, path);
  const stat = lstatQuiet(abs);
  if (stat && !stat.isDirectory()) {
    try {
      rmSync(abs, { force: true });
      removed.push(path);
    } catch {
      kept.set(path, previous.files.get(path)!);
      return;
    }
  }
  removeEmptyFolders(root, abs);
}

/** rmdir the folders above `abs` up to (not including) out/, stopping at the first that is not empty. */
function removeEmptyFolders(root: string, abs: string): void {
  for (let dir = dirname(abs); dir.startsWith(root + sep) && dir !== root; dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      break; // not empty (a foreign file, or other output), or already gone
    }
  }
}

function removeLeftoverTemps(root: string, temps: readonly string[]): void {
  for (const rel of temps) {
    // Only ever delete what looks like one of our own temporary files, inside out/.
    if (!TEMP_FILE.test(rel)) continue;
    try {
      checkOutputPath(rel);
    } catch {
      continue;
    }
    rmSync(join(root, rel), { force: true });
  }
}

function relativeTo(root: string, abs: string): string {
  return abs.slice(root.length + 1);
}

function outputError(e: unknown, what: string, where: string): GazetteError {
  return new GazetteError('OUTPUT', `${what} ${where}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}
