/**
 * `gazette build` when nothing changed: the no-change shortcut of build-stamp.ts, loaded without
 * the parser, the renderers or the writer (most of a no-change build's time would be spent just
 * loading them). Returns undefined whenever the full build has to run.
 */
import { join } from 'node:path';
import { inputsHash, unchangedSince } from '../build/build-stamp.js';
import type { Config } from '../config/index.js';
import { listStaticFiles } from '../output/copy-static-dir.js';
import { loadTemplates } from '../output/load-templates.js';
import { openStore } from '../state/index.js';
import { buildJson, summariseBuild, templatesDir, type BuildReport } from './build-summary.js';
import type { CommandResult, Reporter } from './command-result.js';

export async function upToDateBuild(config: Config, reporter: Reporter, now: Date = new Date()): Promise<CommandResult | undefined> {
  const report = await upToDateReport(config, reporter, now);
  return report && { exitCode: 0, text: summariseBuild(report), json: buildJson(report) };
}

/** The build report when nothing changed since the last build (warnings told again), else undefined. */
export async function upToDateReport(config: Config, reporter: Reporter, now: Date = new Date()): Promise<BuildReport | undefined> {
  const started = performance.now();
  let stamped;
  try {
    stamped = await unchangedSince(
      config,
      now,
      async () => {
        const templates = await loadTemplates(templatesDir(config));
        const store = openStore(config.paths.root, { readonly: true });
        try {
          return inputsHash(config, templates, store.listDigests());
        } finally {
          store.close();
        }
      },
      async () => (await listStaticFiles(join(config.paths.root, 'static'))).map((f) => f.path),
    );
  } catch {
    return undefined; // anything unexpected (a template missing, the store locked): the full build decides
  }
  if (!stamped) return undefined;
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
  return report;
}
