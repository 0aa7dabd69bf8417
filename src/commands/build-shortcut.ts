/**
 * `gazette build` when nothing changed: the no-change shortcut of build-stamp.ts, loaded without
 * the parser, the renderers or the writer (most of a no-change build's time would be spent just
 * loading them). Returns undefined whenever the full build has to run.
 */
import { inputsHash, unchangedSince } from '../build/build-stamp.js';
import type { ContentScan } from '../build/content-scan.js';
import type { Config } from '../config/index.js';
import { listStaticFiles } from '../output/copy-static-dir.js';
import { loadTemplates } from '../output/load-templates.js';
import { openStore, type Store } from '../state/index.js';
import { buildJson, staticDir, summariseBuild, templatesDir, type BuildReport } from './build-summary.js';
import type { CommandResult, Reporter } from './command-result.js';

export interface ShortcutOptions {
  readonly now?: Date;
  /** An open store to read the digests from (the scheduler's); otherwise one is opened read-only. */
  readonly store?: Store;
}

/**
 * The shortcut's answer: the build's report when nothing changed since the last build (its
 * warnings told again); otherwise the look it took at the content folder, if any, for the full
 * build to go on from (runBuild's `scan`).
 */
export type Shortcut = { readonly report: BuildReport; readonly scan?: undefined } | { readonly report?: undefined; readonly scan?: ContentScan };

export async function upToDateBuild(config: Config, reporter: Reporter, options: ShortcutOptions = {}): Promise<{ readonly result?: CommandResult; readonly scan?: ContentScan }> {
  const { report, scan } = await upToDateReport(config, reporter, options);
  if (report) return { result: { exitCode: 0, text: summariseBuild(report), json: buildJson(report) } };
  return scan ? { scan } : {};
}

export async function upToDateReport(config: Config, reporter: Reporter, options: ShortcutOptions = {}): Promise<Shortcut> {
  const started = performance.now();
  let found;
  try {
    found = await unchangedSince(
      config,
      options.now ?? new Date(),
      async () => {
        const templates = await loadTemplates(templatesDir(config));
        if (options.store) return inputsHash(config, templates, options.store.listDigests());
        const store = openStore(config.paths.root, { readonly: true });
        try {
          return inputsHash(config, templates, store.listDigests());
        } finally {
          store.close();
        }
      },
      () => listStaticFiles(staticDir(config)),
    );
  } catch {
    return {}; // anything unexpected (a template missing, the store locked): the full build decides
  }
  if (!found.report) return found.scan ? { scan: found.scan } : {};
  const stamped = found.report;
  for (const w of stamped.warnings) reporter.warn(w);
  const durationMs = performance.now() - started;
  const report: BuildReport = {
    articles: stamped.articles,
    published: stamped.published,
    heldBack: stamped.heldBack,
    tags: stamped.tags,
    written: 0,
    unchanged: stamped.outputs,
    removed: 0,
    parsed: 0,
    rendered: 0,
    warnings: stamped.warnings,
    durationMs,
    timings: { contentMs: Math.round(durationMs), renderMs: 0, writeMs: 0, cacheMs: 0 },
    publishedArticles: [],
    upToDate: true,
  };
  return { report };
}
