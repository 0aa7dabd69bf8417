/**
 * Files written ahead of the writer, while the build is still busy with other work: a cold build
 * writes ten thousand article pages while the remaining articles are still being parsed, so the
 * file system's time overlaps the parsing instead of following it.
 *
 * A staged file is only ever written under its temporary name beside its target; nothing visible
 * changes until the writer (write-output.ts) renames it, under the same crash-safe intent manifest
 * as any other change. A staged file the writer never takes (the build failed, or the unit was
 * reused) is deleted by `discard`, with the folders staging created for it.
 *
 * Staging starts before the writer's intent manifest exists, so a build killed in between leaves
 * temporary files no manifest names. Each build therefore marks itself first, with an empty file
 * `<pid>.<tag>` in the staging folder under .gazette/; every temporary file it stages carries the
 * same pid and tag. The next build sweeps out/ for the temporary files of every mark whose process
 * is gone, then removes the mark. A live process's mark is left alone: two builds may run at once.
 */
import { hash, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { isProcessAlive } from '../state/process-alive.js';
import { fileHolds } from './output-manifest.js';
import { checkOutputPath } from './output-path.js';
import { TEMP_FILE, tempPathFor } from './write-file-atomic.js';

/** A file written under `temp` (absolute), to be renamed to its path by the writer. */
export interface StagedContent {
  readonly temp: string;
  readonly sha256: string;
  readonly size: number;
  /** Folders created to hold it (topmost and deepest), removed again if the file is not taken. */
  readonly created?: CreatedDir;
}

export interface StagedOutputFile {
  /** Relative to out/, as OutputFile.path. */
  readonly path: string;
  readonly staged: StagedContent;
}

/** What a staging build shares with its worker threads (plain data: it crosses threads). */
export interface StagingArea {
  readonly outDir: string;
  /** The build's tag: in its mark and in the name of every temporary file it stages. */
  readonly tag: string;
}

/**
 * Stages files in one build's staging area. The main thread creates the area, marks it before
 * anything is staged, and discards what was not taken at the end; worker threads stage with the
 * same area and hand what they staged back to the main thread (`adopt`).
 */
export class OutputStager {
  readonly area: StagingArea;
  private readonly root: string;
  private readonly mark: string | undefined;
  /** Temporary files written, by absolute path. */
  private readonly temps = new Set<string>();
  /** Folders staging created: the topmost and the deepest of each mkdir, to remove if left empty. */
  private createdDirs: CreatedDir[] = [];

  /** The main thread's stager: marks the area in `stagingDir` at once. */
  static create(outDir: string, stagingDir: string): OutputStager {
    const area: StagingArea = { outDir: resolve(outDir), tag: randomBytes(6).toString('hex') };
    const mark = join(stagingDir, `${process.pid}.${area.tag}`);
    mkdirSync(stagingDir, { recursive: true });
    writeFileSync(mark, '');
    return new OutputStager(area, mark);
  }

  /** A worker thread's stager for the main thread's area. */
  static join(area: StagingArea): OutputStager {
    return new OutputStager(area, undefined);
  }

  private constructor(area: StagingArea, mark: string | undefined) {
    this.area = area;
    this.root = area.outDir;
    this.mark = mark;
  }

  /**
   * Writes `bytes` under a temporary name beside `path`, or returns undefined when there is
   * nothing to stage or staging is not possible: the target already holds exactly these bytes
   * (the writer will find it unchanged), or the file system refused (the writer will try, and
   * report). Never throws for a file system problem.
   */
  stage(path: string, bytes: Uint8Array): StagedContent | undefined {
    try {
      checkOutputPath(path);
    } catch {
      return undefined;
    }
    const abs = join(this.root, path);
    try {
      const top = mkdirSync(dirname(abs), { recursive: true });
      const created = top ? { top, leaf: dirname(abs) } : undefined;
      if (created) this.createdDirs.push(created);
      // A folder made just now holds no file; otherwise look for one with these very bytes.
      else if (sameFile(abs, bytes)) return undefined;
      const temp = tempPathFor(abs, this.area.tag);
      this.temps.add(temp);
      writeFileSync(temp, bytes, { flag: 'wx' });
      return { temp, sha256: hash('sha256', bytes, 'hex'), size: bytes.byteLength, ...(created ? { created } : {}) };
    } catch {
      return undefined;
    }
  }

  /** Takes responsibility for a file another thread staged in this area. */
  adopt(staged: StagedContent): void {
    this.temps.add(staged.temp);
    if (staged.created) this.createdDirs.push(staged.created);
  }

  /**
   * Forgets files the writer took and finished with (renamed into place, or deleted as unchanged):
   * `discard` then has nothing to do for them, nor for the folders now holding them.
   */
  handedOver(temps: ReadonlySet<string>): void {
    if (temps.size === 0) return;
    for (const temp of temps) this.temps.delete(temp);
    const stillStaged = new Set([...this.temps].map((t) => dirname(t)));
    this.createdDirs = this.createdDirs.filter((d) => stillStaged.has(d.leaf));
  }

  /**
   * Deletes every staged file still under its temporary name (the writer renamed or deleted the
   * ones it took) and the folders staging created that are empty again, then the mark.
   */
  discard(): void {
    for (const temp of this.temps) rmSync(temp, { force: true });
    this.temps.clear();
    // Latest first: an earlier mkdir may have made the parents of a later one (out/articles/).
    for (const { top, leaf } of this.createdDirs.reverse()) removeEmptyUpTo(leaf, top);
    this.createdDirs.length = 0;
    if (this.mark) rmSync(this.mark, { force: true });
  }
}

function sameFile(abs: string, bytes: Uint8Array): boolean {
  const stat = lstatSync(abs, { throwIfNoEntry: false });
  return stat !== undefined && stat.isFile() && stat.size === bytes.byteLength && fileHolds(abs, bytes);
}

interface CreatedDir {
  readonly top: string;
  readonly leaf: string;
}

/**
 * Removes the temporary files staged by builds that died before their writer ran (see the module
 * comment), and their marks.
 */
export function sweepDeadStagings(outDir: string, stagingDir: string): void {
  let marks: string[];
  try {
    marks = readdirSync(stagingDir);
  } catch {
    return;
  }
  // Mark "<pid>.<tag>" → the ending of every temporary file that build staged.
  const dead = new Map<string, string>();
  for (const name of marks) {
    const m = /^(\d+)\.([0-9a-f]{12})$/.exec(name);
    if (m && !isProcessAlive(Number(m[1]))) dead.set(name, `.${m[1]}.${m[2]}.tmp`);
  }
  if (dead.size === 0) return;
  const root = resolve(outDir);
  let entries: string[] = [];
  try {
    entries = readdirSync(root, { recursive: true, encoding: 'utf8' });
  } catch {
    // No out/: nothing was staged there.
  }
  const endings = [...dead.values()];
  for (const rel of entries) {
    if (!TEMP_FILE.test(rel.split(sep).join('/')) || !endings.some((ending) => rel.endsWith(ending))) continue;
    rmSync(join(root, rel), { force: true });
    // The folders made for it, if nothing else came to live there (never out/ itself).
    if (rel.includes(sep)) removeEmptyUpTo(dirname(join(root, rel)), join(root, rel.split(sep)[0]!));
  }
  for (const mark of dead.keys()) rmSync(join(stagingDir, mark), { force: true });
}

/** rmdir `leaf` and its parents up to `top` (included), stopping at the first that is not empty. */
function removeEmptyUpTo(leaf: string, top: string): void {
  for (let dir = leaf; dir === top || dir.startsWith(top + sep); dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty (the writer put a file there), or already gone
    }
    if (dir === top) return;
  }
}

export function isStaged(file: object): file is StagedOutputFile {
  return 'staged' in file;
}
