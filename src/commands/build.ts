/**
 * `gazette build`: content → out/. Also the first half of `publish` and the scheduler's build tick.
 * Wires the stages: load (content/) → render (render/, pure) → write (output/, atomic and quiet).
 * Nothing is written when any article has a problem: the previous out/ stays exactly as it was.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { siteFromConfig, type Config } from '../config/index.js';
import { isPublished, loadContent, type LoadResult } from '../content/index.js';
import { GazetteError, formatProblem } from '../errors.js';
import type { Article, OutputFile, Site, Tag } from '../model/index.js';
import { copyStaticDir, writeOutput } from '../output/index.js';
import { renderFeeds, renderFeedStylesheet } from '../render/feeds.js';
import { loadTemplates } from '../output/index.js';
import { createPageRenderer } from '../render/pages.js';
import { openStore, type Store } from '../state/index.js';
import type { CommandResult, Reporter } from './command-result.js';

/** Gazette's own templates, used when the site has no templates/ folder of its own. */
export const DEFAULT_TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

export interface BuildOptions {
  /** Decides what is published (future-dated articles wait); never written into any file. */
  readonly now?: Date;
  /** Render and compare, but change nothing on disk. */
  readonly dryRun?: boolean;
  /** An open store to reuse (publish, schedule); otherwise one is opened and closed here. */
  readonly store?: Store;
}

export interface BuildReport {
  readonly articles: number;
  readonly published: number;
  readonly heldBack: number;
  readonly tags: number;
  readonly written: number;
  readonly unchanged: number;
  readonly removed: number;
  readonly warnings: readonly string[];
  readonly durationMs: number;
  /** The published articles, newest first: what the digest step selects from. */
  readonly publishedArticles: readonly Article[];
}

export function templatesDir(config: Config): string {
  return existsSync(join(config.paths.templates, 'layout.liquid')) ? config.paths.templates : DEFAULT_TEMPLATES;
}

export async function runBuild(config: Config, reporter: Reporter, options: BuildOptions = {}): Promise<BuildReport> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const site = siteFromConfig(config);
  const store = options.store ?? openStore(config.paths.root);
  try {
    const content = await loadContent({ root: config.paths.root, dir: config.paths.content, site, ledger: store, now });
    throwOnProblems(content);
    for (const w of content.warnings) reporter.warn(formatProblem(w));
    const renderer = createPageRenderer(await loadTemplates(templatesDir(config)));
    const published = content.articles.filter((a) => isPublished(a, now));
    const byTag = groupByTag(published);
    const files = [
      ...renderSite(site, published, byTag, renderer),
      ...(await copyStaticDir(join(config.paths.root, 'static'))),
    ];
    if (!options.dryRun && content.newlySeen.length > 0) store.recordFirstSeen(content.newlySeen);
    const result = await writeOutput(config.paths.out, files, {
      manifestFile: join(config.paths.state, 'out-manifest.json'),
      dryRun: options.dryRun === true,
    });
    return {
      articles: content.articles.length,
      published: published.length,
      heldBack: content.articles.length - published.length,
      tags: byTag.size,
      written: result.written.length,
      unchanged: result.unchanged,
      removed: result.removed.length,
      warnings: content.warnings.map(formatProblem),
      durationMs: performance.now() - started,
      publishedArticles: published,
    };
  } finally {
    if (!options.store) store.close();
  }
}

function throwOnProblems(content: LoadResult): void {
  if (content.problems.length === 0) return;
  const n = content.problems.length;
  throw GazetteError.fromProblems('CONTENT', `${n} problem${n === 1 ? '' : 's'} in the content; nothing was written`, content.problems);
}

interface TagGroup {
  readonly tag: Tag;
  readonly articles: Article[];
}

/** Tags of published articles, by slug; the display name is the one the newest article uses. */
function groupByTag(published: readonly Article[]): Map<string, TagGroup> {
  const groups = new Map<string, TagGroup>();
  for (const article of published) {
    for (const tag of article.tags) {
      const group = groups.get(tag.slug);
      if (group) group.articles.push(article);
      else groups.set(tag.slug, { tag, articles: [article] });
    }
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function* renderSite(
  site: Site,
  published: readonly Article[],
  byTag: ReadonlyMap<string, TagGroup>,
  renderer: ReturnType<typeof createPageRenderer>,
): Generator<OutputFile> {
  yield renderer.renderStylesheet();
  yield renderFeedStylesheet();
  yield renderer.renderIndex(site, published);
  yield* renderFeeds(site, published);
  for (const article of published) yield renderer.renderArticle(site, article);
  yield renderer.renderTagsIndex(site, [...byTag.values()].map((g) => ({ tag: g.tag, count: g.articles.length })));
  for (const { tag, articles } of byTag.values()) {
    yield renderer.renderTag(site, tag, articles);
    yield* renderFeeds(site, articles, { tag });
  }
}

export async function buildCommand(config: Config, reporter: Reporter, options: BuildOptions = {}): Promise<CommandResult> {
  const report = await runBuild(config, reporter, options);
  return { exitCode: 0, text: summariseBuild(report), json: buildJson(report) };
}

export function buildJson(report: BuildReport): Record<string, unknown> {
  const { publishedArticles: _omit, ...rest } = report;
  return { ...rest, durationMs: Math.round(report.durationMs), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

export function summariseBuild(r: BuildReport): string {
  const held = r.heldBack ? `, ${r.heldBack} held back` : '';
  return (
    `${r.articles} article${r.articles === 1 ? '' : 's'} read: ${r.published} published${held}; ` +
    `${r.written} file${r.written === 1 ? '' : 's'} written, ${r.removed} removed, ${r.unchanged} unchanged ` +
    `in ${(r.durationMs / 1000).toFixed(2)} s`
  );
}
