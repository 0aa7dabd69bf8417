/**
 * Bodies (`html`) of articles whose parse came from the build cache. The build cache keeps no
 * bodies: most builds need none (an unchanged page is not rendered again). A feed rendered again
 * needs its newest few, so the bodies the feeds show are kept in the state store's parse cache;
 * any other is parsed again from its file. Such an article's `html` is a getter, and a body is
 * only ever taken for the fingerprint the rest of the article came from (a re-parse checks the
 * bytes first), so a body always belongs to the same version of the file as its title and tags.
 *
 * `prefetch` loads many bodies at once, on every core, before rendering; the getter alone would
 * load them one by one. The getter keeps working after the build (the digest step reads the same
 * articles): it then needs nothing but the file.
 */
import { createHash } from 'node:crypto';
import { parseArticleFile, readArticleFile } from '../content/load-content.js';
import { parseFingerprint } from '../content/parse-cache.js';
import { GazetteError, formatProblem } from '../errors.js';
import type { Article, Site } from '../model/index.js';
import type { ParseCacheStore } from '../state/index.js';
import type { ArticleMeta } from './build-cache.js';
import { runParseTasks, type PoolOptions } from './parse-pool.js';
import type { ParseTask } from './parse-task.js';

/** Where bodies of articles shown in feeds are kept between builds: the state store's parse cache. */
export type BodyStore = Pick<ParseCacheStore, 'cacheGet' | 'cacheSetMany' | 'cachePrune'>;

interface Source {
  readonly absolutePath: string;
  readonly fingerprint: string;
  /** The body is not in the article object: it is read on demand. */
  readonly lazy: boolean;
}

export class ArticleBodies {
  private readonly sources = new Map<string, Source>();
  private readonly loaded = new Map<string, string>();
  /** Bodies the store was asked for and did not have, whatever the last build recorded. */
  private readonly notKept = new Set<string>();
  /** How many files were parsed again for their body. */
  reparsed = 0;

  /**
   * `keep`: the store that holds the bodies of the articles feeds show, so that the next build,
   * which re-renders a feed when one article changes, reads them instead of parsing the files.
   * A stored body is keyed on the code identity and the fingerprint: it is the body these bytes
   * give with this code, or it is not used.
   */
  constructor(
    private readonly site: Site,
    private readonly now: Date,
    private keep?: { readonly store: BodyStore; readonly identity: string },
  ) {}

  /**
   * Stop using the store (the build is over, and whoever opened the store may close it): bodies
   * still asked for after this are parsed from the files.
   */
  detach(): void {
    this.keep = undefined;
  }

  /** An article parsed by this build: its body is in the object. */
  parsed(article: Article, absolutePath: string, fingerprint: string): void {
    this.sources.set(article.sourcePath, { absolutePath, fingerprint, lazy: false });
  }

  /** An article from its cached parse; its body is read when first asked for. */
  article(meta: ArticleMeta, absolutePath: string, fingerprint: string): Article {
    const { sourcePath } = meta;
    this.sources.set(sourcePath, { absolutePath, fingerprint, lazy: true });
    const article = { ...meta } as Record<string, unknown>;
    Object.defineProperty(article, 'html', { enumerable: true, configurable: true, get: () => this.html(sourcePath) });
    return article as unknown as Article;
  }

  /** True when the article's body is not in memory yet (it would be parsed on first use). */
  pending(article: Article): boolean {
    return this.sources.get(article.sourcePath)?.lazy === true && !this.loaded.has(article.sourcePath);
  }

  /**
   * Load the bodies of these articles (those still pending): from the store when it has them,
   * otherwise by parsing the files, in parallel when there are many.
   */
  async prefetch(articles: Iterable<Article>, pool: PoolOptions = {}): Promise<void> {
    const tasks: ParseTask[] = [];
    const queued = new Set<string>();
    for (const a of articles) {
      const { sourcePath } = a;
      const source = this.sources.get(sourcePath);
      if (!source?.lazy || this.loaded.has(sourcePath) || queued.has(sourcePath)) continue;
      queued.add(sourcePath);
      const kept = this.fromStore(sourcePath, source.fingerprint);
      if (kept !== undefined) {
        this.loaded.set(sourcePath, kept);
        continue;
      }
      tasks.push({ index: tasks.length, sourcePath, absolutePath: source.absolutePath, requireFingerprint: source.fingerprint, renderPage: false });
    }
    if (tasks.length === 0) return;
    const { results } = await runParseTasks(tasks, { site: this.site, now: this.now }, pool);
    this.reparsed += tasks.length;
    results.forEach((r, i) => {
      const { sourcePath } = tasks[i]!;
      if (r.kind === 'parsed' && r.outcome.article) this.loaded.set(sourcePath, r.outcome.article.html);
      else throw this.failure(sourcePath, r.kind === 'moved' ? 'changed' : r.kind === 'unreadable' ? formatProblem(r.problem) : 'unparsable');
    });
  }

  /**
   * Store the bodies of `shown` (the articles the feeds show) for the next build, and forget the
   * others. `stored` is what the last build stored (path → body key); returns what is stored now.
   * A body not in memory is not parsed for this: it is simply not stored.
   */
  keepBodies(shown: Iterable<Article>, stored: ReadonlyMap<string, string>): Map<string, string> {
    const next = new Map<string, string>();
    if (!this.keep) return next;
    const writes: Array<{ sourcePath: string; fingerprint: string; json: string }> = [];
    for (const article of shown) {
      const { sourcePath } = article;
      const source = this.sources.get(sourcePath);
      if (!source || next.has(sourcePath)) continue;
      const key = this.bodyKey(source.fingerprint);
      if (stored.get(sourcePath) === key && !this.notKept.has(sourcePath)) {
        next.set(sourcePath, key);
        continue;
      }
      const html = source.lazy ? this.loaded.get(sourcePath) : article.html;
      if (html === undefined) continue;
      writes.push({ sourcePath, fingerprint: key, json: JSON.stringify(html) });
      next.set(sourcePath, key);
    }
    if (writes.length > 0) this.keep.store.cacheSetMany(writes);
    if (next.size !== stored.size || [...stored.keys()].some((p) => !next.has(p))) this.keep.store.cachePrune(next.keys());
    return next;
  }

  /**
   * Let go of the bodies of articles parsed by this build, except those of `keep`: the article's
   * `html` becomes the same on-demand getter as a cached article's. Called once the build knows
   * which bodies it still needs (a cold build of ten thousand articles holds 80 MB of them).
   */
  evict(articles: Iterable<Article>, keep: ReadonlySet<Article>): void {
    for (const article of articles) {
      const { sourcePath } = article;
      const source = this.sources.get(sourcePath);
      if (!source || source.lazy || keep.has(article)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(article, 'html');
      if (!descriptor?.configurable || !('value' in descriptor)) continue;
      this.sources.set(sourcePath, { ...source, lazy: true });
      Object.defineProperty(article, 'html', { enumerable: true, configurable: true, get: () => this.html(sourcePath) });
    }
  }

  /** Forget loaded bodies (they are parsed again if asked for). */
  release(): void {
    this.loaded.clear();
  }

  private fromStore(sourcePath: string, fingerprint: string): string | undefined {
    if (!this.keep) return undefined;
    const json = this.keep.store.cacheGet(sourcePath, this.bodyKey(fingerprint));
    let html: unknown;
    try {
      html = json === undefined ? undefined : JSON.parse(json);
    } catch {
      html = undefined;
    }
    if (typeof html === 'string') return html;
    this.notKept.add(sourcePath);
    return undefined;
  }

  private bodyKey(fingerprint: string): string {
    return createHash('sha256').update(`${this.keep?.identity ?? ''}\n${fingerprint}`).digest('hex');
  }

  private html(sourcePath: string): string {
    const known = this.loaded.get(sourcePath);
    if (known !== undefined) return known;
    const source = this.sources.get(sourcePath)!;
    const kept = this.fromStore(sourcePath, source.fingerprint);
    if (kept !== undefined) {
      this.loaded.set(sourcePath, kept);
      return kept;
    }
    const read = readArticleFile({ sourcePath, absolutePath: source.absolutePath });
    if (!read.ok) throw this.failure(sourcePath, formatProblem(read.problem));
    if (parseFingerprint(read.bytes, this.site) !== source.fingerprint) throw this.failure(sourcePath, 'changed');
    this.reparsed++;
    const { article } = parseArticleFile(sourcePath, read.bytes, this.site, this.now);
    if (!article) throw this.failure(sourcePath, 'unparsable');
    this.loaded.set(sourcePath, article.html);
    return article.html;
  }

  private failure(sourcePath: string, why: string): GazetteError {
    if (why === 'changed') {
      return new GazetteError('CONTENT', `${sourcePath} changed while the site was being built: build again`);
    }
    if (why === 'unparsable') {
      return new GazetteError('CONTENT', `${sourcePath}: its cached parse no longer matches the file: build again`);
    }
    return new GazetteError('CONTENT', `${sourcePath}: the article body cannot be read again: ${why}`);
  }
}
