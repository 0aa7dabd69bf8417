/**
 * The content folder → every article, and every problem in every file at once (`gazette check`).
 * Never throws for an article's problems: they are returned, and the caller decides to fail.
 *
 * The steps are exported one by one so the build can run them its own way (stat-checked cache,
 * parsing on several threads) and still agree with `loadContent` on every rule: reading a file
 * (`readArticleFile`), parsing it (`parseArticleFile`), and putting the results together
 * (`assembleContent`: unique slugs and ids, first-seen dates, order).
 */
import { closeSync, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { isGazetteError, type Problem } from '../errors.js';
import { compareNewestFirst, type Article, type Site } from '../model/index.js';
import { listContentFiles, type ContentFile } from './content-files.js';
import type { FirstSeenLedger } from './first-seen-ledger.js';
import { parseArticle } from './parse-article.js';
import { parseFingerprint, type ParseCache } from './parse-cache.js';
import { tagMergeMessage, tagSpelling } from './slugify.js';

export interface LoadContentOptions {
  /** The site folder; sourcePath values are relative to it. */
  readonly root: string;
  /** The content folder, relative to root. */
  readonly dir: string;
  readonly site: Site;
  readonly ledger: FirstSeenLedger;
  /** The moment recorded for articles without a date that are seen for the first time. */
  readonly now: Date;
  readonly cache?: ParseCache;
}

export interface NewlySeen {
  readonly id: string;
  readonly sourcePath: string;
  readonly at: Date;
}

export interface LoadResult {
  /** All articles, drafts and future ones included, newest first (date desc, then slug). */
  readonly articles: Article[];
  readonly problems: Problem[];
  readonly warnings: Problem[];
  /** Dateless articles seen for the first time: record them, so their date never changes. */
  readonly newlySeen: NewlySeen[];
}

export const MAX_ARTICLE_BYTES = 10 * 1024 * 1024;

/** What one file gave: an article (with the parser's warnings), or its problems. */
export interface FileOutcome {
  readonly article?: Article;
  readonly problems: readonly Problem[];
  readonly warnings: readonly Problem[];
}

export async function loadContent(opts: LoadContentOptions): Promise<LoadResult> {
  const { files, problems } = await listContentFiles(opts.root, opts.dir);
  const outcomes = files.map((file) => loadFile(file, opts));
  return assembleContent(outcomes, problems, opts.ledger, opts.now);
}

/**
 * The outcomes of every file, in file order, → the content. Rejects a slug or id used twice
 * (naming both files), dates dateless articles from the ledger (or `now`, the first time), and
 * sorts newest first. `problems` (from listing the folder) is extended, not copied.
 */
export function assembleContent(outcomes: Iterable<FileOutcome>, problems: Problem[], ledger: FirstSeenLedger, now: Date): LoadResult {
  const warnings: Problem[] = [];
  const newlySeen: NewlySeen[] = [];
  const articles: Article[] = [];
  const bySlug = new Map<string, string>();
  const byId = new Map<string, string>();
  const tagSpellings = new TagSpellings();
  for (const result of outcomes) {
    problems.push(...result.problems);
    warnings.push(...result.warnings);
    let article = result.article;
    if (!article) continue;
    const file = article.sourcePath;
    const slugOwner = bySlug.get(article.slug);
    const idOwner = byId.get(article.id);
    if (slugOwner !== undefined) {
      problems.push({ file, key: 'slug', message: `slug "${article.slug}" is used by both ${slugOwner} and ${file}: set a different "slug:" in one of them` });
    }
    if (idOwner !== undefined) {
      problems.push({ file, key: 'id', message: `id "${article.id}" is used by both ${idOwner} and ${file}: every article needs its own id` });
    }
    if (slugOwner !== undefined || idOwner !== undefined) continue;
    bySlug.set(article.slug, file);
    byId.set(article.id, file);
    tagSpellings.add(article, warnings);

    if (article.dateSource === 'first-seen') {
      const recorded = ledger.firstSeen(article.id);
      const at = recorded ?? now;
      article = withDate(article, at);
      if (!recorded) {
        newlySeen.push({ id: article.id, sourcePath: file, at });
        warnings.push({ file, key: 'date', message: `no date: using the first time Gazette saw it (${at.toISOString()})` });
      }
    }
    articles.push(article);
  }
  articles.sort(compareNewestFirst);
  return { articles, problems, warnings, newlySeen };
}

/**
 * Tells when articles spell one tag page differently ("C++" in one, "C" in another: both tags/c/).
 * Each other spelling is reported once, on the first article that uses it, naming the file that
 * used the first one. Spellings that differ only in case ("AI", "ai") are one tag, silently.
 */
class TagSpellings {
  /** Tag slug → the first spelling seen, its name and file, and every other spelling reported. */
  private readonly bySlug = new Map<string, { name: string; file: string; spellings: Set<string> }>();

  add(article: Article, warnings: Problem[]): void {
    for (const tag of article.tags) {
      const first = this.bySlug.get(tag.slug);
      // Nearly every tag is written as its first article wrote it: no spelling to work out.
      if (first?.name === tag.name) continue;
      const spelling = tagSpelling(tag.name);
      if (!first) {
        this.bySlug.set(tag.slug, { name: tag.name, file: article.sourcePath, spellings: new Set([spelling]) });
      } else if (!first.spellings.has(spelling)) {
        first.spellings.add(spelling);
        warnings.push({ file: article.sourcePath, key: 'tags', message: tagMergeMessage(first.name, tag.name, tag.slug, first.file) });
      }
    }
  }
}

/**
 * A dateless article with its first-seen moment as date and updated. Copies the property
 * descriptors, so an article whose body is loaded on demand (a getter) keeps loading it lazily.
 */
function withDate(article: Article, at: Date): Article {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(article)) as Record<string, unknown>;
  Object.defineProperty(copy, 'date', { value: at, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(copy, 'updated', { value: at, enumerable: true, writable: true, configurable: true });
  return copy as unknown as Article;
}

export type ReadOutcome =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly stats: Stats }
  | { readonly ok: false; readonly problem: Problem };

/**
 * One file's bytes and its stat (taken from the open file, so both describe the same file), or
 * the problem: unreadable, or larger than MAX_ARTICLE_BYTES (then the bytes are not read).
 *
 * Reads synchronously on purpose: for thousands of small files, one open/fstat/read/close in a row
 * costs a tenth of the CPU of fs/promises (measured: 10,000 files in 0.1 s against 0.8–1.9 s), and
 * parsing, which follows at once, holds the thread far longer anyway.
 */
export function readArticleFile(file: ContentFile): ReadOutcome {
  const { sourcePath } = file;
  try {
    const fd = openSync(file.absolutePath, 'r');
    try {
      const stats = fstatSync(fd);
      if (stats.size > MAX_ARTICLE_BYTES) {
        const mb = (stats.size / 1024 / 1024).toFixed(1);
        return { ok: false, problem: { file: sourcePath, message: `the file is ${mb} MB; articles may be at most 10 MB` } };
      }
      return { ok: true, bytes: readFileSync(fd), stats };
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return { ok: false, problem: { file: sourcePath, message: `cannot read the file: ${(e as Error).message}` } };
  }
}

/**
 * Parse one file's bytes; never throws for the article's own problems. Dateless articles get
 * `now` as their date here: `assembleContent` replaces it with the ledger's moment.
 */
export function parseArticleFile(sourcePath: string, bytes: Uint8Array, site: Site, now: Date): FileOutcome {
  try {
    const parsed = parseArticle({ sourcePath, bytes, site, firstSeen: now });
    return { article: parsed.article, problems: [], warnings: parsed.warnings };
  } catch (e) {
    if (isGazetteError(e) && e.problems.length > 0) return { problems: [...e.problems], warnings: [] };
    return { problems: [{ file: sourcePath, message: `cannot parse the article: ${(e as Error).message}` }], warnings: [] };
  }
}

function loadFile(file: ContentFile, opts: LoadContentOptions): FileOutcome {
  const read = readArticleFile(file);
  if (!read.ok) return { problems: [read.problem], warnings: [] };
  const { sourcePath } = file;
  const { cache } = opts;
  if (!cache) return parseArticleFile(sourcePath, read.bytes, opts.site, opts.now);

  const fingerprint = parseFingerprint(read.bytes, opts.site);
  const cached = cache.get(sourcePath, fingerprint);
  // Parse warnings are shown on every build: a hit brings back the ones kept with the entry.
  if (cached) return { article: cached, problems: [], warnings: cache.warnings?.(sourcePath, fingerprint) ?? [] };
  const outcome = parseArticleFile(sourcePath, read.bytes, opts.site, opts.now);
  if (outcome.article) cache.set(sourcePath, fingerprint, outcome.article, outcome.warnings);
  return outcome;
}
