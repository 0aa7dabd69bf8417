/**
 * `gazette build` when nothing changed: the no-change shortcut of build-stamp.ts, loaded without
 * the parser, the renderers or the writer (most of a no-change build's time would be spent just
 * loading them). The full build is loaded only when the shortcut cannot be taken.
 */
import { inputsHash, unchangedSince, type ShortcutAnswer } from '../build/build-stamp.js';
import type { Config } from '../config/index.js';
import { listStaticFiles } from '../output/copy-static-dir.js';
import { loadTemplates } from '../output/load-templates.js';
import { openStore, type Store } from '../state/index.js';
import type { BuildOptions } from './build.js';
import { staticDir, templatesDir, type BuildReport } from './build-summary.js';
import type { Reporter } from './command-result.js';

export interface ShortcutOptions {
  readonly now?: Date;
  /** An open store to read the digests from (the scheduler's); otherwise one is opened read-only. */
  readonly store?: Store;
}

/**
 * `gazette build` and the scheduler's build tick: the last build's report when nothing changed
 * since, otherwise a full build that goes on from the shortcut's look at the content folder.
 * A dry run always takes the full path (it reports what would be written).
 */
export async function buildUnlessUpToDate(config: Config, reporter: Reporter, options: Omit<BuildOptions, 'scan'> = {}): Promise<BuildReport> {
  const quick = options.dryRun ? {} : await upToDateReport(config, reporter, options);
  if (quick.report) return quick.report;
  const { runBuild } = await import('./build.js');
  return runBuild(config, reporter, { ...options, ...(quick.scan ? { scan: quick.scan } : {}) });
}

/** The build report when nothing changed since the last build (its warnings told again). */
export async function upToDateReport(config: Config, reporter: Reporter, options: ShortcutOptions = {}): Promise<ShortcutAnswer<BuildReport>> {
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
