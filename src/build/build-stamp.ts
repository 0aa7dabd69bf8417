/**
 * The no-change shortcut. A build whose inputs are all as the last complete build found them, and
 * whose outputs are all still exactly as it left them, has nothing to do: this module proves that
 * with stat() calls alone (no parsing, no cache loading, no rendering) and hands back the last
 * build's report. Anything it cannot prove sends the build down the full path, which is always
 * correct; the shortcut only ever saves time.
 *
 * What a build reads, and how each is checked:
 * - article files: the same list of paths, each with the stat stamp it had when the build read
 *   it, under the racy-timestamp rule of file-stamp.ts (a file changed within 2 s of being read is
 *   never trusted on stat);
 * - the config, the templates and Gazette's code (code-identity.ts): hashed, as the build used them;
 * - static/ files: the stat stamps taken before the build copied them, under the same rule;
 * - the digests in the state store (the archive's pages): hashed rows;
 * - the clock: the first held-back article's date; from then on the shortcut is off.
 * And every output file must stat exactly as the writer's manifest recorded it, with the writer's
 * own trust rule (its bytes confirmed at least 2 s after its mtime and ctime).
 *
 * The stamp is deleted when a full build starts and written when one completes, so a build that
 * fails or is killed half-way never leaves a stamp that vouches for its output.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config/index.js';
import { countVouchedFiles, isSettled, MANIFEST_FILE, type Manifest } from '../output/output-manifest.js';
import { writeFileAtomic } from '../output/write-file-atomic.js';
import type { TemplateSources } from '../render/page-sources.js';
import type { DigestRecord } from '../model/index.js';
import { codeIdentity } from './code-identity.js';
import { scanContent, type ContentScan } from './content-scan.js';
import { lstatQuiet, statQuiet } from './quiet-stat.js';
import { partialManifestFile } from './keyed-write.js';
import { stampIsSettled, stampOf, stampStillHolds, type FileStamp } from './file-stamp.js';

export const BUILD_STAMP_FILE = 'build-stamp.json';
const VERSION = 2;

/** What the last build reported, replayed by a build that takes the shortcut. */
export interface StampedReport {
  readonly articles: number;
  readonly published: number;
  readonly heldBack: number;
  readonly tags: number;
  /** Output files, as many as the writer's manifest lists: all unchanged when the shortcut is taken. */
  readonly outputs: number;
  readonly warnings: readonly string[];
}

export interface BuildStamp {
  /** Hash of the config, templates, code and digests the build used. */
  readonly inputs: string;
  /** Epoch ms of the first held-back article: the output changes then. */
  readonly until: number | null;
  /** Every article file, in listing order, with the stamp it was read under. */
  readonly content: readonly (readonly [string, FileStamp])[];
  /** Every static file with its stamp taken before the build copied it. */
  readonly statics: readonly (readonly [string, FileStamp])[];
  readonly report: StampedReport;
}

export function stampFile(config: Config): string {
  return join(config.paths.state, BUILD_STAMP_FILE);
}

/** Called when a full build starts: from here until it completes, nothing vouches for out/. */
export function dropBuildStamp(config: Config): void {
  rmSync(stampFile(config), { force: true });
}

/** The hash of what a build used besides the files: config, templates, code, digests. */
export function inputsHash(config: Config, templates: TemplateSources, digests: readonly DigestRecord[]): string {
  const h = createHash('sha256');
  h.update(codeIdentity());
  h.update('\0');
  h.update(JSON.stringify(config));
  h.update('\0');
  h.update(JSON.stringify({ liquid: templates.liquid, stylesheet: templates.stylesheet }));
  h.update('\0');
  h.update(JSON.stringify(digests));
  return h.digest('hex');
}

/** A file the stamp names by `path` and finds at `abs`. */
export interface LocatedFile {
  readonly path: string;
  readonly abs: string;
}

/**
 * Stamps of the files under static/, taken before the build reads them, named as the static
 * copier names them (relative to static/).
 */
export function staticStamps(files: readonly LocatedFile[], at: number): (readonly [string, FileStamp])[] | undefined {
  const stamps: (readonly [string, FileStamp])[] = [];
  for (const f of files) {
    const s = statQuiet(f.abs);
    if (!s) return undefined;
    stamps.push([f.path, stampOf(s, at)]);
  }
  return stamps;
}

/**
 * Writes the stamp for a build that just completed, unless something in it is too fresh to be
 * trusted on stat next time (then the next build simply takes the full path).
 */
export function writeBuildStamp(config: Config, stamp: BuildStamp, manifest: Manifest): void {
  if (manifest.pendingTemps.length > 0 || ![...manifest.files.values()].every(isSettled)) return;
  if (![...stamp.content, ...stamp.statics].every(([, s]) => stampIsSettled(s))) return;
  writeFileAtomic(stampFile(config), `${JSON.stringify({ version: VERSION, ...stamp })}\n`);
}

/**
 * What the shortcut found: the last build's report when nothing changed since; otherwise, when it
 * got as far as looking at the content folder, that look, for the build to go on from.
 */
export type ShortcutAnswer<R> = { readonly report: R; readonly scan?: undefined } | { readonly report?: undefined; readonly scan?: ContentScan };

/**
 * Whether anything changed since the last build. `inputs` is called only once the cheap checks
 * passed (it reads the templates and the store).
 */
export async function unchangedSince(
  config: Config,
  now: Date,
  inputs: () => Promise<string>,
  listStatic: () => Promise<readonly LocatedFile[]>,
): Promise<ShortcutAnswer<StampedReport>> {
  let stamp: BuildStamp & { version?: number };
  try {
    stamp = JSON.parse(readFileSync(stampFile(config), 'utf8')) as BuildStamp & { version?: number };
  } catch {
    return {};
  }
  if (stamp.version !== VERSION || !Array.isArray(stamp.content) || !Array.isArray(stamp.statics)) return {};
  if (stamp.until !== null && now.getTime() >= stamp.until) return {};

  const scan = await scanContent(config.paths.root, config.paths.content);
  const changed = { scan };
  if (scan.problems.length > 0) return changed;
  if (!stampsHold(stamp.content, scan.files.map((f) => f.sourcePath), scan.stats)) return changed;
  const statics = await listStatic();
  if (!stampsHold(stamp.statics, statics.map((f) => f.path), statics.map((f) => statQuiet(f.abs)))) return changed;

  // Every output as the writer's manifest records it (the manifest is only ever rewritten by a
  // build, which drops the stamp first), each vouched for by its stat.
  const manifestFile = join(config.paths.state, MANIFEST_FILE);
  if (existsSync(partialManifestFile(manifestFile))) return changed;
  const out = resolve(config.paths.out);
  if (countVouchedFiles(manifestFile, out, (path) => lstatQuiet(join(out, path))) !== stamp.report.outputs) return changed;
  if ((await inputs()) !== stamp.inputs) return changed;
  return { report: stamp.report };
}

/** The stamp fields alone (a cached source carries its parse too). */
export function justStamp(s: FileStamp): FileStamp {
  return { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino, dev: s.dev, readAt: s.readAt };
}

/**
 * The same files in the same order as recorded (`paths`), each still the file its stamp was taken
 * from (`stats`, by position).
 */
function stampsHold(recorded: BuildStamp['content'], paths: readonly string[], stats: readonly (Stats | undefined)[]): boolean {
  if (paths.length !== recorded.length) return false;
  return paths.every((path, i) => {
    const [was, stamp] = recorded[i]!;
    const s = stats[i];
    return was === path && s !== undefined && stampStillHolds(stamp, s);
  });
}
