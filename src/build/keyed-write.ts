/**
 * out/ through the atomic, quiet writer (src/output/write-output.ts), rendering only what changed.
 *
 * A unit is reused, not rendered, when for each of its files the render key recorded last time is
 * the unit's key now, the output manifest records the very bytes that key produced, and stat()
 * shows the file untouched since (the writer's own trust rule). Everything else is rendered and
 * handed to the writer, which compares, writes and cleans as always.
 *
 * The writer owns the output manifest and deletes every listed file it is not given. So it is given
 * a partial manifest without the reused files, under its own name; afterwards the reused entries
 * are merged back into the real one. A run that dies in between leaves the partial manifest behind,
 * and the next run merges it first (its entries are the newer ones, and the union names every file
 * either run may own), so no file is ever forgotten, and no temporary file is left for good.
 */
import { hash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GazetteError } from '../errors.js';
import type { OutputFile } from '../model/index.js';
import { checkOutputPath } from '../output/output-path.js';
import { confirmedEntry, readManifest, statVouches, writeManifest, type Manifest, type ManifestEntry } from '../output/output-manifest.js';
import { isStaged, type StagedOutputFile } from '../output/output-stager.js';
import { writeOutput, type WriteResult } from '../output/write-output.js';
import { outputRecord, recordVouches, type OutputRecord } from './build-cache.js';
import { lstatQuiet } from './quiet-stat.js';
import type { RenderUnit } from './render-plan.js';

export interface KeyedWriteOptions {
  /** The writer's manifest, under .gazette/. */
  readonly manifestFile: string;
  readonly dryRun: boolean;
  /** What the last build recorded for each output path. */
  readonly previous: ReadonlyMap<string, OutputRecord>;
  /** Called with the units about to be rendered, before the first: load what they need. */
  readonly beforeRender?: (units: readonly RenderUnit[]) => Promise<void>;
}

export interface KeyedWriteResult extends WriteResult {
  /** Output path → key and bytes, for every file this build produces (empty after a dry run). */
  readonly records: ReadonlyMap<string, OutputRecord>;
  /** How many files were rendered (the rest were reused as they are on disk). */
  readonly rendered: number;
  /** False when `records` holds exactly what `previous` held. */
  readonly recordsChanged: boolean;
  /** Keys of the units rendered. */
  readonly renderedKeys: ReadonlySet<string>;
  /** Time spent rendering (and loading bodies for it), within the whole call. */
  readonly renderMs: number;
  /** The output manifest as saved at the end (the one read at the start, after a dry run). */
  readonly manifest: Manifest;
  /** Temporary files of the staged files given to the writer: it renamed or deleted each one. */
  readonly handedOver: ReadonlySet<string>;
}

export function partialManifestFile(manifestFile: string): string {
  return `${manifestFile}.partial`;
}

export async function writeKeyed(outDir: string, units: readonly RenderUnit[], opts: KeyedWriteOptions): Promise<KeyedWriteResult> {
  const root = resolve(outDir);
  const partial = partialManifestFile(opts.manifestFile);
  if (!opts.dryRun) recoverPartialManifest(opts.manifestFile, root);
  const manifest = readManifest(opts.manifestFile, root);
  const produced = checkOutputTree(units);

  // Entries whose bytes were confirmed here (read and hashed): saved, so next time stat suffices.
  const settled = new Map<string, ManifestEntry>();
  const reusedPaths = new Set<string>();
  const toRender: RenderUnit[] = [];
  for (const u of units) {
    if (u.paths.every((p) => intact(root, p, u.key, opts.previous.get(p), manifest.files.get(p), settled))) for (const p of u.paths) reusedPaths.add(p);
    else toRender.push(u);
  }
  const entryOf = (p: string): ManifestEntry => settled.get(p) ?? manifest.files.get(p)!;
  const stale = [...manifest.files.keys()].some((p) => !produced.has(p));

  if (toRender.length === 0 && !stale && manifest.pendingTemps.length === 0) {
    let saved: Manifest = manifest;
    if (!opts.dryRun && settled.size > 0) {
      const files = new Map(manifest.files);
      for (const [p, entry] of settled) files.set(p, entry);
      saved = { outDir: root, files, pendingTemps: [] };
      writeManifest(opts.manifestFile, saved);
    }
    // Every file reused: the records stay as they were (those of files no longer produced are harmless).
    return {
      written: [],
      unchanged: reusedPaths.size,
      removed: [],
      records: opts.dryRun ? new Map() : opts.previous,
      rendered: 0,
      recordsChanged: false,
      renderedKeys: new Set(),
      renderMs: 0,
      manifest: saved,
      handedOver: new Set(),
    };
  }
  const records = new Map<string, OutputRecord>();
  for (const p of reusedPaths) records.set(p, opts.previous.get(p)!);
  const timer = { ms: 0 };
  const handedOver = new Set<string>();
  const loadStarted = performance.now();
  await opts.beforeRender?.(toRender);
  timer.ms += performance.now() - loadStarted;

  const files = new Map<string, ManifestEntry>();
  for (const [p, entry] of manifest.files) if (!reusedPaths.has(p)) files.set(p, entry);
  const scratch = opts.dryRun ? mkdtempSync(join(tmpdir(), 'gazette-dry-run-')) : undefined;
  const subManifest = scratch ? join(scratch, 'out-manifest.json') : partial;
  let result: WriteResult;
  try {
    writeManifest(subManifest, { outDir: root, files, pendingTemps: manifest.pendingTemps });
    result = await writeOutput(outDir, renderAll(toRender, timer, handedOver), { manifestFile: subManifest, dryRun: opts.dryRun });
  } catch (e) {
    if (!opts.dryRun) recoverPartialManifest(opts.manifestFile, root);
    throw e;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  const rendered = toRender.reduce((n, u) => n + u.paths.length, 0);
  const renderedKeys = new Set(toRender.map((u) => u.key));
  if (opts.dryRun) return { ...result, unchanged: result.unchanged + reusedPaths.size, records: new Map(), rendered, recordsChanged: false, renderedKeys, renderMs: timer.ms, manifest, handedOver };

  // The writer's manifest now describes every file it was given; add back the reused ones.
  const written = readManifest(subManifest, root);
  const merged = new Map(written.files);
  for (const p of reusedPaths) merged.set(p, entryOf(p));
  const saved: Manifest = { outDir: root, files: merged, pendingTemps: written.pendingTemps };
  writeManifest(opts.manifestFile, saved);
  rmSync(subManifest, { force: true });
  let recordsChanged = false;
  for (const u of toRender) {
    for (const p of u.paths) {
      const entry = written.files.get(p);
      if (!entry) continue;
      const record = outputRecord(u.key, entry.sha256);
      records.set(p, record);
      if (opts.previous.get(p) !== record) recordsChanged = true;
    }
  }
  // Otherwise unchanged only if no path came or went.
  if (!recordsChanged) recordsChanged = records.size !== opts.previous.size || [...records.keys()].some((p) => !opts.previous.has(p));
  return { ...result, unchanged: result.unchanged + reusedPaths.size, records, rendered, recordsChanged, renderedKeys, renderMs: timer.ms, manifest: saved, handedOver };
}

/**
 * A partial manifest left by a run that did not finish: merge it into the real one (its entries
 * win: they are the newer) and delete it. Afterwards the real manifest names every file that
 * either run may have written, and every temporary file still to be removed.
 */
export function recoverPartialManifest(manifestFile: string, root: string): void {
  const partialFile = partialManifestFile(manifestFile);
  const partial = readManifest(partialFile, root);
  if (partial.files.size === 0 && partial.pendingTemps.length === 0) {
    rmSync(partialFile, { force: true });
    return;
  }
  const main = readManifest(manifestFile, root);
  const files = new Map(main.files);
  for (const [p, entry] of partial.files) files.set(p, entry);
  const pendingTemps = [...new Set([...main.pendingTemps, ...partial.pendingTemps])];
  writeManifest(manifestFile, { outDir: root, files, pendingTemps });
  rmSync(partialFile, { force: true });
}

/**
 * The file holds exactly the bytes `key` produced last time. Trusted on stat as the writer trusts
 * it; otherwise (written moments ago, or touched) read and hashed, the way the writer compares,
 * and the confirmed entry put in `settled`.
 */
function intact(
  root: string,
  path: string,
  key: string,
  record: OutputRecord | undefined,
  entry: ManifestEntry | undefined,
  settled: Map<string, ManifestEntry>,
): boolean {
  if (!entry || !recordVouches(record, key, entry.sha256)) return false;
  const abs = join(root, path);
  const stat = lstatQuiet(abs);
  if (!stat?.isFile() || stat.size !== entry.size) return false;
  // The writer's own trust rule: reuse never trusts a stat more than the writer does.
  if (statVouches(entry, stat)) return true;
  const checkedAt = Date.now();
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch {
    return false;
  }
  if (bytes.length !== entry.size || hash('sha256', bytes, 'hex') !== entry.sha256) return false;
  settled.set(path, confirmedEntry(entry.sha256, stat, checkedAt));
  return true;
}

function* renderAll(units: readonly RenderUnit[], timer: { ms: number }, handedOver: Set<string>): Generator<OutputFile | StagedOutputFile> {
  for (const u of units) {
    const started = performance.now();
    const files = u.render();
    timer.ms += performance.now() - started;
    for (const f of files) if (isStaged(f)) handedOver.add(f.staged.temp);
    yield* files;
  }
}

/**
 * The checks the writer makes over the files it is given, made here over all the files of the
 * build, reused ones included: every path safe, none produced twice, none both a file and a folder.
 * Returns the paths.
 */
function checkOutputTree(units: readonly RenderUnit[]): Set<string> {
  const paths = new Set<string>();
  for (const u of units) {
    for (const p of u.paths) {
      checkOutputPath(p);
      if (paths.has(p)) throw new GazetteError('OUTPUT', `output path "${p}" is produced twice in one build (two sources map to the same file)`);
      paths.add(p);
    }
  }
  for (const path of paths) {
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
      const folder = path.slice(0, i);
      if (paths.has(folder)) throw new GazetteError('OUTPUT', `output path "${folder}" is produced as a file but "${path}" needs it to be a folder`);
    }
  }
  return paths;
}
