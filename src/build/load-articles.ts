/**
 * The build's way of loading content: the same rules and results as `loadContent` (it shares its
 * steps), made fast for big sites.
 *
 * - A file whose stat still matches its cached parse is not read at all (file-stamp.ts).
 * - A file whose stat changed is read and fingerprinted; if the bytes are the same after all
 *   (a touch, a checkout), the cached parse is kept.
 * - Everything else is parsed on every core (parse-pool.ts), and its page rendered while at it.
 * - Parse warnings are kept with the cached parse and reported on every build.
 *
 * `gazette check` does not come here: it reads and parses everything, every time.
 */
import type { Stats } from 'node:fs';
import { listContentFiles } from '../content/content-files.js';
import type { FirstSeenLedger } from '../content/first-seen-ledger.js';
import { assembleContent, type FileOutcome, type LoadResult } from '../content/load-content.js';
import { parseFingerprint } from '../content/parse-cache.js';
import type { Article, Site } from '../model/index.js';
import type { OutputStager } from '../output/output-stager.js';
import type { TemplateSources } from '../render/page-sources.js';
import { ArticleBodies, type BodyStore } from './article-bodies.js';
import type { ArticleMeta, BuildCache, CachedSource } from './build-cache.js';
import type { ContentScan } from './content-scan.js';
import { stampStillHolds } from './file-stamp.js';
import { statQuiet } from './quiet-stat.js';
import { runParseTasks, type PoolOptions } from './parse-pool.js';
import type { KeptPage, ParseResult, ParseTask } from './parse-task.js';

export interface LoadArticlesOptions {
  readonly root: string;
  readonly dir: string;
  readonly site: Site;
  readonly ledger: FirstSeenLedger;
  readonly now: Date;
  readonly cache: BuildCache;
  /** The content folder as just looked at (content-scan.ts); otherwise it is looked at here. */
  readonly scan?: ContentScan;
  /** When given, the page of every article parsed is rendered in the same step. */
  readonly templates?: TemplateSources;
  readonly pool?: PoolOptions;
  /** Where bodies of articles feeds show are kept (see ArticleBodies). */
  readonly keepBodies?: { readonly store: BodyStore; readonly identity: string };
  /**
   * When given, each page rendered while parsing is written out under its temporary name at once
   * (output-stager.ts), while other articles are still being parsed, and only its name is kept.
   */
  readonly stager?: OutputStager;
}

/** Which version of an article a render used: equal ids, equal output. */
export interface ArticleIdentity {
  /** The whole article: its parse plus the date the ledger gave it, if dateless. */
  readonly full: string;
  /** All but the body: what list pages show. */
  readonly meta: string;
}

export interface LoadedArticles {
  readonly content: LoadResult;
  /** By source path, for every article in `content.articles`. */
  readonly identities: ReadonlyMap<string, ArticleIdentity>;
  /** Pages rendered while parsing, by source path. */
  readonly pages: Map<string, KeptPage>;
  readonly bodies: ArticleBodies;
  /** The cache's new `sources` (parse settings included). */
  readonly cache: Pick<BuildCache, 'parseSettings' | 'sources'>;
  /** False when `cache` is exactly what was loaded (nothing to save). */
  readonly cacheChanged: boolean;
  readonly counts: { readonly parsed: number; readonly reused: number };
  /** Source paths of every article file, in listing order. */
  readonly files: readonly string[];
}

export async function loadArticles(opts: LoadArticlesOptions): Promise<LoadedArticles> {
  const { site, now } = opts;
  const parseSettings = parseFingerprint(new Uint8Array(0), site);
  const previous = opts.cache.parseSettings === parseSettings ? opts.cache.sources : new Map<string, CachedSource>();
  const bodies = new ArticleBodies(site, now, opts.keepBodies);
  const { files, problems } = opts.scan ?? (await listContentFiles(opts.root, opts.dir));
  // Only a file with a cached parse needs its stat (the parse takes its own).
  const statOf = (i: number): Stats | undefined => (opts.scan ? opts.scan.stats[i] : statQuiet(files[i]!.absolutePath));

  const outcomes = new Array<FileOutcome>(files.length);
  const sources = new Map<string, CachedSource>();
  const tasks: ParseTask[] = [];
  const taskFile: number[] = [];
  files.forEach((file, i) => {
    const cached = previous.get(file.sourcePath);
    if (cached) {
      const stats = statOf(i);
      if (stats && stampStillHolds(cached, stats)) {
        outcomes[i] = fromCache(cached, file.absolutePath, bodies);
        sources.set(file.sourcePath, cached);
        return;
      }
    }
    taskFile.push(i);
    tasks.push({
      index: tasks.length,
      sourcePath: file.sourcePath,
      absolutePath: file.absolutePath,
      ...(cached ? { cachedFingerprint: cached.fingerprint } : {}),
      renderPage: opts.templates !== undefined,
    });
  });
  const reusedByStat = sources.size;

  const pages = new Map<string, KeptPage>();
  const shared = new SharedValues();
  let parsed = 0;
  let same = 0;
  const stager = opts.stager;
  const setup = { site, now, ...(opts.templates ? { templates: opts.templates } : {}), ...(stager ? { staging: stager.area } : {}) };
  // Whichever thread staged a page, the main thread's stager answers for it from here on.
  const adopt = (r: ParseResult): ParseResult => {
    if (stager && r.kind === 'parsed' && r.page && 'staged' in r.page) stager.adopt(r.page.staged);
    return r;
  };
  const { results } = tasks.length > 0 ? await runParseTasks(tasks, setup, opts.pool, adopt) : { results: [] };
  results.forEach((r, t) => {
    const i = taskFile[t]!;
    const file = files[i]!;
    if (r.kind === 'unreadable') {
      outcomes[i] = { problems: [r.problem], warnings: [] };
    } else if (r.kind === 'same') {
      // The bytes are the cached ones: keep that parse, vouched for by the new stamp.
      same++;
      const cached: CachedSource = { ...previous.get(file.sourcePath)!, ...r.stamp };
      outcomes[i] = fromCache(cached, file.absolutePath, bodies);
      sources.set(file.sourcePath, cached);
    } else if (r.kind === 'moved') {
      throw new Error(`${file.sourcePath}: unexpected parse result`); // only body reloads require a fingerprint
    } else {
      parsed++;
      outcomes[i] = r.outcome;
      const { article } = r.outcome;
      if (!article || r.metaHash === undefined) return;
      sources.set(file.sourcePath, { ...r.stamp, fingerprint: r.fingerprint, metaHash: r.metaHash, meta: shared.meta(article), warnings: shared.list(r.outcome.warnings) });
      bodies.parsed(article, file.absolutePath, r.fingerprint);
      if (r.page) pages.set(file.sourcePath, r.page);
    }
  });

  const content = assembleContent(outcomes, [...problems], opts.ledger, now);
  const identities = new Map<string, ArticleIdentity>();
  for (const article of content.articles) {
    const source = sources.get(article.sourcePath)!;
    identities.set(article.sourcePath, identityOf(article, source));
  }
  const cacheChanged = opts.cache.parseSettings !== parseSettings || reusedByStat !== sources.size || sources.size !== previous.size;
  return {
    content,
    identities,
    pages,
    bodies,
    cache: { parseSettings, sources },
    cacheChanged,
    counts: { parsed, reused: reusedByStat + same },
    files: files.map((f) => f.sourcePath),
  };
}

/**
 * One object for each distinct tag, author, empty `extra` and empty list in the cached metadata:
 * ten thousand articles share fifty tags, and the cache then stores (and loads) each once.
 * Articles are immutable data, so sharing equal values between them is invisible.
 */
class SharedValues {
  private readonly objects = new Map<string, unknown>();
  private readonly emptyExtra: Readonly<Record<string, unknown>> = {};
  private readonly emptyList: readonly never[] = [];

  meta(article: Article): ArticleMeta {
    const { html: _body, ...meta } = article;
    return {
      ...meta,
      tags: meta.tags.map((t) => this.object(t)),
      authors: meta.authors.map((a) => this.object(a)),
      extra: Object.keys(meta.extra).length === 0 ? this.emptyExtra : meta.extra,
    };
  }

  list<T>(items: readonly T[]): readonly T[] {
    return items.length === 0 ? this.emptyList : items;
  }

  /** Tags and authors hold strings only (and no key twice), so their JSON identifies them. */
  private object<T extends object>(value: T): T {
    const key = JSON.stringify(value);
    const known = this.objects.get(key) as T | undefined;
    if (known) return known;
    this.objects.set(key, value);
    return value;
  }
}

function fromCache(cached: CachedSource, absolutePath: string, bodies: ArticleBodies): FileOutcome {
  return { article: bodies.article(cached.meta, absolutePath, cached.fingerprint), problems: [], warnings: cached.warnings };
}

/** A dateless article's date comes from the ledger, not from its bytes: it is part of its identity. */
function identityOf(article: Article, source: CachedSource): ArticleIdentity {
  const dated = article.dateSource === 'first-seen' ? `@${article.date.toISOString()}/${article.updated.toISOString()}` : '';
  return { full: `${source.fingerprint}${dated}`, meta: `${source.metaHash}${dated}` };
}
