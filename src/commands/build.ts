/**
 * `gazette build`: content → out/. Also the first half of `publish` and the scheduler's build tick.
 * Wires the stages: load (content/) → render (render/, pure) → write (output/, atomic and quiet).
 * Nothing is written when any article has a problem: the previous out/ stays exactly as it was.
 *
 * Fast on big sites (src/build/): articles are parsed on every core, each page rendered in the
 * same step; a rebuild parses only files whose stat changed, and renders only outputs whose render
 * key changed (`.gazette/build-cache.bin`), reading the bodies feeds show from the state store.
 * Every cache is keyed on everything that shapes the output, Gazette's own code included, so a
 * lost, damaged or outdated cache can make a build slower, never different: the bytes written are
 * always those of a build from scratch.
 */
import { join } from 'node:path';
import { dropBuildStamp, inputsHash, justStamp, staticStamps, writeBuildStamp } from '../build/build-stamp.js';
import { codeIdentity } from '../build/code-identity.js';
import type { ContentScan } from '../build/content-scan.js';
import { readBuildCache, writeBuildCache, type BuildCache } from '../build/build-cache.js';
import { writeKeyed } from '../build/keyed-write.js';
import { loadArticles } from '../build/load-articles.js';
import { planOutputs, type TagGroup } from '../build/render-plan.js';
import { siteFromConfig, type Config } from '../config/index.js';
import { isPublished } from '../content/is-published.js';
import type { LoadResult } from '../content/load-content.js';
import { GazetteError, formatProblem } from '../errors.js';
import type { Article } from '../model/index.js';
import { copyStaticDir, listStaticFiles } from '../output/copy-static-dir.js';
import { MANIFEST_FILE } from '../output/output-manifest.js';
import { OutputStager, sweepDeadStagings } from '../output/output-stager.js';
import { loadTemplates } from '../output/load-templates.js';
import type { TemplateSources } from '../render/page-sources.js';
import { createPageRenderer, type PageRenderer } from '../render/pages.js';
import { openStore, type Store } from '../state/index.js';
import { buildJson, staticDir, summariseBuild, templatesDir, type BuildReport } from './build-summary.js';
import type { Reporter } from './command-result.js';
import { archivedDigestsFromStore } from './digest-archive.js';

/** Under .gazette/: the marks of builds staging files in out/ (output-stager.ts). */
const STAGING_DIR = 'staging';


export { buildJson, DEFAULT_TEMPLATES, summariseBuild, templatesDir, type BuildReport } from './build-summary.js';

/** The build cache, under the state folder (never under out/). */
export const BUILD_CACHE_FILE = 'build-cache.bin';

export interface BuildOptions {
  /** Decides what is published (future-dated articles wait); never written into any file. */
  readonly now?: Date;
  /** Render and compare, but change nothing on disk. */
  readonly dryRun?: boolean;
  /** An open store to reuse (publish, schedule); otherwise one is opened and closed here. */
  readonly store?: Store;
  /** The look the no-change shortcut took at the content folder just before (build-shortcut.ts). */
  readonly scan?: ContentScan;
  /** Threads to parse on, the main one included (default: the machine's cores, at most 4). */
  readonly threads?: number;
}

export async function runBuild(config: Config, reporter: Reporter, options: BuildOptions = {}): Promise<BuildReport> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const dryRun = options.dryRun === true;
  const site = siteFromConfig(config);
  const store = options.store ?? openStore(config.paths.root);
  const cacheFile = join(config.paths.state, BUILD_CACHE_FILE);
  const threads = options.threads === undefined ? {} : { threads: options.threads };
  let detach = (): void => {};
  // Pages rendered while parsing are written out under temporary names at once (never in a dry run).
  const stagingDir = join(config.paths.state, STAGING_DIR);
  if (!dryRun) sweepDeadStagings(config.paths.out, stagingDir);
  const stager = dryRun ? undefined : OutputStager.create(config.paths.out, stagingDir);
  // Until this build completes, no stamp vouches for out/ (build-stamp.ts).
  if (!dryRun) dropBuildStamp(config);
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    reporter.warn(message);
  };
  try {
    // A content problem is reported before a template one, as always: hold the template error.
    const templates = await loadTemplates(templatesDir(config)).then(
      (sources): { sources: TemplateSources; error?: undefined } => ({ sources }),
      (error: unknown) => ({ sources: undefined, error }),
    );
    // One page renderer for the whole build on this thread: the templates are parsed once.
    let renderer: PageRenderer | undefined;
    const pageRenderer = (): PageRenderer => {
      if (!templates.sources) throw templates.error;
      return (renderer ??= createPageRenderer(templates.sources));
    };
    const identity = codeIdentity();
    const cache = readBuildCache(cacheFile, identity);
    const loaded = await loadArticles({
      root: config.paths.root,
      dir: config.paths.content,
      site,
      ledger: store,
      now,
      cache,
      ...(options.scan ? { scan: options.scan } : {}),
      pool: { ...threads, ...(templates.sources ? { mainRenderer: pageRenderer } : {}) },
      ...(templates.sources ? { templates: templates.sources } : {}),
      ...(dryRun ? {} : { keepBodies: { store, identity } }),
      ...(stager ? { stager } : {}),
    });
    const { content } = loaded;
    detach = () => loaded.bodies.detach();
    const contentDone = performance.now();
    const save = (outputs: BuildCache['outputs'], bodies: BuildCache['bodies'], outputsChanged: boolean): void => {
      if (!dryRun && (loaded.cacheChanged || outputsChanged)) writeBuildCache(cacheFile, identity, { ...loaded.cache, outputs, bodies }, cache);
    };
    if (content.problems.length > 0) save(cache.outputs, cache.bodies, false);
    throwOnProblems(content);
    const sources = templates.sources;
    if (!sources) throw templates.error;
    for (const w of content.warnings) warn(formatProblem(w));

    const published = content.articles.filter((a) => isPublished(a, now));
    const byTag = groupByTag(published);
    // Static files are stamped before they are read: a change while the build runs shows next time.
    const staticFolder = staticDir(config);
    const staticList = await listStaticFiles(staticFolder);
    const statics = staticStamps(staticList, Date.now());
    const digestRecords = store.listDigests();
    const units = planOutputs({
      site,
      templates: sources,
      renderer: pageRenderer,
      published,
      byTag,
      identities: loaded.identities,
      pages: loaded.pages,
      staticFiles: await copyStaticDir(staticFolder, staticList),
      digests: archivedDigestsFromStore(digestRecords, { articles: published, warn }),
    });
    if (!dryRun && content.newlySeen.length > 0) store.recordFirstSeen(content.newlySeen);
    const result = await writeKeyed(config.paths.out, units, {
      manifestFile: join(config.paths.state, MANIFEST_FILE),
      dryRun,
      previous: cache.outputs,
      beforeRender: async (toRender) => {
        const needed = new Set([...toRender, ...units.filter((u) => u.kind === 'feed')].flatMap((u) => u.bodies()));
        loaded.bodies.evict(content.articles, needed);
        await loaded.bodies.prefetch(toRender.flatMap((u) => u.bodies()), threads);
      },
    });
    loaded.pages.clear();
    const writeDone = performance.now();
    // A feed rendered again may show other articles now: keep the bodies the feeds show.
    const feeds = units.filter((u) => u.kind === 'feed');
    const feedsRendered = result.renderedKeys.size > 0 && feeds.some((u) => result.renderedKeys.has(u.key));
    const bodies = feedsRendered && !dryRun ? loaded.bodies.keepBodies(feeds.flatMap((u) => u.bodies()), cache.bodies) : cache.bodies;
    loaded.bodies.release();
    save(result.records, bodies, result.recordsChanged || bodies !== cache.bodies);
    stager?.handedOver(result.handedOver);
    if (!dryRun && statics) {
      const contentStamps = loaded.files.map((path) => [path, loaded.cache.sources.get(path)] as const);
      if (contentStamps.every(([, stamp]) => stamp !== undefined)) {
        const held = content.articles.filter((a) => !a.draft && !isPublished(a, now)).map((a) => a.date.getTime());
        writeBuildStamp(
          config,
          {
            inputs: inputsHash(config, sources, digestRecords),
            until: held.length > 0 ? Math.min(...held) : null,
            content: contentStamps.map(([path, s]) => [path, justStamp(s!)] as const),
            statics,
            report: {
              articles: content.articles.length,
              published: published.length,
              heldBack: content.articles.length - published.length,
              tags: byTag.size,
              outputs: result.manifest.files.size,
              warnings,
            },
          },
          result.manifest,
        );
      }
    }
    return {
      articles: content.articles.length,
      published: published.length,
      heldBack: content.articles.length - published.length,
      tags: byTag.size,
      written: result.written.length,
      unchanged: result.unchanged,
      removed: result.removed.length,
      parsed: loaded.counts.parsed + loaded.bodies.reparsed,
      rendered: result.rendered,
      warnings: content.warnings.map(formatProblem),
      durationMs: performance.now() - started,
      timings: {
        contentMs: Math.round(contentDone - started),
        renderMs: Math.round(result.renderMs),
        writeMs: Math.round(writeDone - contentDone - result.renderMs),
        cacheMs: Math.round(performance.now() - writeDone),
      },
      publishedArticles: published,
    };
  } finally {
    stager?.discard();
    detach();
    if (!options.store) store.close();
  }
}

function throwOnProblems(content: LoadResult): void {
  if (content.problems.length === 0) return;
  const n = content.problems.length;
  throw GazetteError.fromProblems('CONTENT', `${n} problem${n === 1 ? '' : 's'} in the content; nothing was written`, content.problems);
}

/** Tags of published articles, by slug; the display name is the one the newest article uses. */
function groupByTag(published: readonly Article[]): Map<string, TagGroup> {
  const groups = new Map<string, { tag: TagGroup['tag']; articles: Article[] }>();
  for (const article of published) {
    for (const tag of article.tags) {
      const group = groups.get(tag.slug);
      if (group) group.articles.push(article);
      else groups.set(tag.slug, { tag, articles: [article] });
    }
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
