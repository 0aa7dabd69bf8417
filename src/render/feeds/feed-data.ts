/**
 * The model made safe for feeds, once, before any format sees it. Every format renders from this
 * value only, so RSS, Atom and JSON Feed always agree on titles, ids, dates and authors.
 *
 * Invariants of a `FeedData`:
 * - every string is `cleanXmlText`-clean (legal in XML 1.0, no discouraged controls, LF newlines);
 *   titles, names and tag names are one line with single spaces;
 * - every URL is absolute http(s) and serialised by WHATWG `URL` (ASCII, percent-encoded);
 * - every id is an absolute URI, kept exactly as the model gave it (GUIDs never change);
 * - every date is valid with a four-digit year; `updated` is never before `published`;
 * - entries are newest first, at most `site.feedLimit`, with unique ids;
 * - `contentHtml` is never empty.
 */
import { GazetteError, type Problem } from '../../errors.js';
import { FEED_STYLESHEET, type Article, type Author, type FeedFormat, type Site, type Tag } from '../../model/index.js';
import { cleanXmlText, oneLine } from '../clean-xml-text.js';
import { derivedFeedId } from './derived-feed-id.js';
import { escapeHtml } from './escape-markup.js';
import { feedUrls, scopeHomeUrl, type FeedScope } from './feed-paths.js';
import { httpUrl } from './http-url.js';
import { imageMimeType } from './image-mime-type.js';

export interface FeedPerson {
  readonly name: string;
  readonly email?: string;
  readonly url?: string;
}

export interface FeedImage {
  readonly url: string;
  /** Known only from a recognised file extension; without it no format announces an enclosure. */
  readonly mimeType?: string;
}

export interface FeedEntry {
  readonly id: string;
  readonly url: string;
  /** The canonical copy, when it lives on another page than `url`. */
  readonly externalUrl?: string;
  readonly title: string;
  /** Plain text; may be empty. */
  readonly summary: string;
  readonly contentHtml: string;
  readonly published: Date;
  readonly updated: Date;
  /** The article's authors, else the site's author, else none. */
  readonly authors: readonly FeedPerson[];
  readonly tags: readonly Tag[];
  readonly image?: FeedImage;
}

export interface FeedData {
  /** Atom `<id>`: the site id, or one derived from it for a tag. */
  readonly id: string;
  readonly title: string;
  /** Plain text; may be empty. */
  readonly description: string;
  readonly language: string;
  readonly homeUrl: string;
  readonly feedUrls: Readonly<Record<FeedFormat, string>>;
  /** Root-relative, so it resolves from `tags/<slug>/` and on any host that serves the site. */
  readonly stylesheetHref: string;
  /** The latest `updated` of the entries; absent when there are none. */
  readonly updated?: Date;
  readonly author?: FeedPerson;
  /** What Atom names as the feed's author when the site has none (RFC 4287 §4.1.1). */
  readonly fallbackAuthorName: string;
  readonly entries: readonly FeedEntry[];
}

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/u;

function person(author: Author | undefined): FeedPerson | undefined {
  if (!author) return undefined;
  const name = oneLine(author.name);
  if (name === '') return undefined;
  const email = author.email === undefined ? '' : oneLine(author.email);
  const url = httpUrl(author.url, ['http:', 'https:', 'mailto:']);
  return {
    name,
    ...(/^[^\s@<>]+@[^\s@<>]+$/u.test(email) ? { email } : {}),
    ...(url ? { url: url.href } : {}),
  };
}

/** A date every format can write: valid, with a four-digit year (RFC 3339, `xsd:dateTime`, RFC 822). */
function writableDate(date: Date): boolean {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return false;
  const year = date.getUTCFullYear();
  return year >= 1000 && year <= 9999;
}

function uniqueTags(tags: readonly Tag[]): Tag[] {
  const seen = new Set<string>();
  const out: Tag[] = [];
  for (const tag of tags) {
    const name = oneLine(tag.name);
    if (name === '' || seen.has(tag.slug)) continue;
    seen.add(tag.slug);
    out.push({ name, slug: tag.slug });
  }
  return out;
}

/** A stable Atom id for a tag's feeds, distinct from the site's (see derived-feed-id.ts). */
function tagFeedId(siteId: string, tagSlug: string): string {
  return derivedFeedId(siteId, `tags/${encodeURIComponent(tagSlug)}`);
}

function entryFrom(article: Article, siteAuthor: FeedPerson | undefined, problems: Problem[]): FeedEntry | undefined {
  const file = article.sourcePath;
  const before = problems.length;
  const id = cleanXmlText(article.id).trim();
  if (!URI.test(id)) problems.push({ file, key: 'id', message: `the id ${JSON.stringify(article.id)} is not an absolute URI` });
  const url = httpUrl(article.url);
  if (!url) problems.push({ file, message: `the article URL ${JSON.stringify(article.url)} is not an absolute http(s) URL` });
  if (problems.length > before || !url) return undefined;

  const title = oneLine(article.title) || article.slug;
  const summary = cleanXmlText(article.summary).trim();
  const html = cleanXmlText(article.html).trim();
  const authors = article.authors.map(person).filter((p): p is FeedPerson => p !== undefined);
  const image = httpUrl(article.image);
  const canonical = httpUrl(article.canonical);
  const imageType = image ? imageMimeType(image) : undefined;
  return {
    id,
    url: url.href,
    ...(canonical && canonical.href !== url.href ? { externalUrl: canonical.href } : {}),
    title,
    summary,
    // Every format wants a body; an article with none shows its summary (or title) as one.
    contentHtml: html || `<p>${escapeHtml(summary || title)}</p>`,
    published: article.date,
    updated: article.updated.getTime() < article.date.getTime() ? article.date : article.updated,
    authors: authors.length > 0 ? authors : siteAuthor ? [siteAuthor] : [],
    tags: uniqueTags(article.tags),
    ...(image ? { image: { url: image.href, ...(imageType ? { mimeType: imageType } : {}) } } : {}),
  };
}

/**
 * The newest `limit` articles, newest first, ties in the given order: what a feed shows. Lists
 * usually arrive newest first already (the build sorts once), and are then only cut.
 */
function newestUpTo(articles: readonly Article[], limit: number): Article[] {
  const n = Math.max(0, Math.floor(limit));
  let sorted = true;
  for (let i = 1; i < articles.length && sorted; i++) sorted = articles[i]!.date.getTime() <= articles[i - 1]!.date.getTime();
  if (sorted) return articles.slice(0, n);
  return articles
    .map((article, index) => ({ article, index, time: article.date.getTime() }))
    .sort((a, b) => b.time - a.time || a.index - b.index)
    .slice(0, n)
    .map((x) => x.article);
}

/**
 * The feed of a scope. `articles` are the published articles; those of the scope are taken newest
 * first (ties keep their given order) up to `site.feedLimit`. Throws a `GazetteError` listing every
 * article that cannot be written, by file.
 */
export function buildFeedData(site: Site, articles: readonly Article[], scope?: FeedScope): FeedData {
  const siteId = cleanXmlText(site.id).trim();
  if (!URI.test(siteId)) {
    throw new GazetteError('CONFIG', `site.id: ${JSON.stringify(site.id)} is not an absolute URI; Atom needs one (e.g. "${site.url}" or "tag:example.org,2026:news").`);
  }
  let siteUrl: URL;
  try {
    siteUrl = new URL(site.url);
  } catch (cause) {
    throw new GazetteError('CONFIG', `site.url: ${JSON.stringify(site.url)} is not an absolute URL.`, { cause });
  }

  const inScope = scope ? articles.filter((a) => a.tags.some((t) => t.slug === scope.tag.slug)) : [...articles];
  // Dates decide which articles make the cut, so all of them are checked before choosing.
  const problems: Problem[] = [];
  for (const { sourcePath: file, date, updated } of inScope) {
    if (!writableDate(date)) problems.push({ file, key: 'date', message: 'the date is not a valid date between the years 1000 and 9999' });
    if (!writableDate(updated)) problems.push({ file, key: 'updated', message: 'the updated date is not a valid date between the years 1000 and 9999' });
  }
  if (problems.length > 0) throw GazetteError.fromProblems('CONTENT', 'Cannot write the feeds:', problems);

  const chosen = newestUpTo(inScope, site.feedLimit);

  const siteAuthor = person(site.author);
  const entries: FeedEntry[] = [];
  const firstFileOfId = new Map<string, string>();
  for (const article of chosen) {
    const entry = entryFrom(article, siteAuthor, problems);
    if (!entry) continue;
    const other = firstFileOfId.get(entry.id);
    if (other !== undefined) {
      problems.push({ file: article.sourcePath, key: 'id', message: `the id ${JSON.stringify(entry.id)} is also used by ${other}` });
      continue;
    }
    firstFileOfId.set(entry.id, article.sourcePath);
    entries.push(entry);
  }
  if (problems.length > 0) throw GazetteError.fromProblems('CONTENT', 'Cannot write the feeds:', problems);

  const siteTitle = oneLine(site.title) || siteUrl.host;
  const tagName = scope ? oneLine(scope.tag.name) || scope.tag.slug : undefined;
  const latest = entries.reduce<Date | undefined>((max, e) => (!max || e.updated.getTime() > max.getTime() ? e.updated : max), undefined);
  return {
    id: scope ? tagFeedId(siteId, scope.tag.slug) : siteId,
    title: tagName === undefined ? siteTitle : `${siteTitle}: ${tagName}`,
    description: cleanXmlText(site.description).trim(),
    language: oneLine(site.language),
    homeUrl: scopeHomeUrl(site.url, scope),
    feedUrls: feedUrls(site.url, scope),
    stylesheetHref: `${siteUrl.pathname}${FEED_STYLESHEET}`,
    ...(latest ? { updated: latest } : {}),
    ...(siteAuthor ? { author: siteAuthor } : {}),
    fallbackAuthorName: siteTitle,
    entries,
  };
}
