/**
 * The data the site templates see: plain objects of strings, numbers, booleans, arrays and null,
 * built from the model. URLs are absolute (from site.url, the same ones the feeds use) and dates
 * are already formatted in the site's zone, so templates need no functions and no clock.
 */
import type { Article, Author, Site, Tag } from '../model/index.js';
import { ARCHIVE_URL_PATH, compareNewestFirst, FEED_FILES, monthUrlPath, SITE_STYLESHEET, tagUrlPath, type FeedFormat } from '../model/index.js';
import { monthName, pageDate, type PageDate } from './page-dates.js';

export interface FeedLink {
  readonly format: FeedFormat;
  /** MIME type for `<link rel="alternate" type=…>`. */
  readonly type: string;
  readonly title: string;
  readonly url: string;
}

export interface FeedUrls {
  readonly rss: string;
  readonly atom: string;
  readonly json: string;
}

export interface AuthorView {
  readonly name: string;
  readonly url: string | null;
  /** What goes before this name in a byline, in the site's language: "", ", ", " and ", " und "… */
  readonly separator: string;
}

export interface SiteView {
  readonly title: string;
  readonly url: string;
  readonly description: string;
  readonly language: string;
  readonly timezone: string;
  readonly author: AuthorView | null;
  readonly stylesheet: string;
  /** The tags index page. */
  readonly tagsUrl: string;
  /** The archive: every article, by month. */
  readonly archiveUrl: string;
  readonly feeds: FeedUrls;
}

export interface TagView {
  readonly name: string;
  readonly slug: string;
  readonly url: string;
  readonly feeds: FeedUrls;
}

export interface TagCountView extends TagView {
  readonly count: number;
}

/** One month of the archive. */
export interface MonthView {
  /** "2026-11". */
  readonly key: string;
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** In the site's language: "November 2026". */
  readonly name: string;
  readonly url: string;
  /** Articles published that month. */
  readonly count: number;
}

/** `key` as groupByMonth gives it ("2026-11"). */
export function monthView(site: Site, key: string, count: number): MonthView {
  const year = Number(key.slice(0, -3));
  const month = Number(key.slice(-2));
  return { key, year, month, name: monthName(year, month, site.language), url: site.url + monthUrlPath(key), count };
}

/** An article as listed on the index and tag pages: everything but the body. */
export interface ArticleSummaryView {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly summary: string;
  readonly url: string;
  /** Where the article's canonical copy lives: its own `canonical`, else `url`. */
  readonly canonical: string;
  /** The canonical URL when it is not this site's page (a syndicated copy), else null. */
  readonly canonicalElsewhere: string | null;
  readonly image: string | null;
  /** The article's authors, or the site's author when it names none. */
  readonly authors: readonly AuthorView[];
  readonly published: PageDate;
  /** Null when the article was never updated after publication. */
  readonly updated: PageDate | null;
  readonly tags: readonly TagView[];
  /** Front-matter keys Gazette does not know, for the operator's templates. */
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface ArticleView extends ArticleSummaryView {
  /** Sanitised HTML body; templates output it with `| raw`. */
  readonly html: string;
}

/** What the layout needs to fill `<head>` for any page. */
export interface PageMeta {
  /** The page's own title; null on the home page (the layout then shows the site title alone). */
  readonly title: string | null;
  readonly description: string;
  readonly url: string;
  readonly canonical: string;
  /** Open Graph type. */
  readonly type: 'website' | 'article';
  readonly image: string | null;
}

const FEED_TYPES: Record<FeedFormat, { type: string; label: string }> = {
  rss: { type: 'application/rss+xml', label: 'RSS' },
  atom: { type: 'application/atom+xml', label: 'Atom' },
  json: { type: 'application/feed+json', label: 'JSON Feed' },
};

const FEED_FORMATS = Object.keys(FEED_FILES) as FeedFormat[];

function feedUrls(base: string): FeedUrls {
  return { rss: base + FEED_FILES.rss, atom: base + FEED_FILES.atom, json: base + FEED_FILES.json };
}

/** `<link rel="alternate">` entries for the feeds at `base` (the site root or a tag folder URL). */
export function feedLinks(base: string, title: string): FeedLink[] {
  return FEED_FORMATS.map((format) => ({
    format,
    type: FEED_TYPES[format].type,
    title: `${title} (${FEED_TYPES[format].label})`,
    url: base + FEED_FILES[format],
  }));
}

const siteFeeds = new WeakMap<Site, readonly FeedLink[]>();

/** The site's own feed links, built once per Site (every page has them). */
export function siteFeedLinks(site: Site): readonly FeedLink[] {
  let links = siteFeeds.get(site);
  if (!links) {
    links = feedLinks(site.url, site.title);
    siteFeeds.set(site, links);
  }
  return links;
}

export function tagUrl(site: Site, slug: string): string {
  return site.url + tagUrlPath(slug);
}

const listFormats = new Map<string, Intl.ListFormat>();

function listFormat(language: string): Intl.ListFormat {
  let f = listFormats.get(language);
  if (!f) {
    try {
      f = new Intl.ListFormat(language, { type: 'conjunction', style: 'long' });
    } catch {
      f = new Intl.ListFormat('en', { type: 'conjunction', style: 'long' });
    }
    listFormats.set(language, f);
  }
  return f;
}

// Separators per language and list of names: bylines repeat across thousands of articles.
const separatorCache = new Map<string, readonly string[]>();

/** What Intl.ListFormat puts before each name ("", ", ", " and "); it can depend on the names (Spanish "y"/"e"). */
function separators(names: readonly string[], language: string): readonly string[] {
  const key = `${language}\u0000${names.join('\u0000')}`;
  let found = separatorCache.get(key);
  if (!found) {
    const result: string[] = [];
    let pending = '';
    for (const part of listFormat(language).formatToParts(names)) {
      if (part.type === 'literal') pending += part.value;
      else {
        result.push(pending);
        pending = '';
      }
    }
    found = result;
    if (separatorCache.size > 10_000) separatorCache.clear();
    separatorCache.set(key, found);
  }
  return found;
}

// A byline of one author needs no language; cached articles share their Author objects.
const soleAuthors = new WeakMap<Author, readonly AuthorView[]>();

function soleAuthorView(author: Author): readonly AuthorView[] {
  let views = soleAuthors.get(author);
  if (!views) {
    views = [{ name: author.name, url: author.url ?? null, separator: '' }];
    soleAuthors.set(author, views);
  }
  return views;
}

/** Authors with the separators of a byline in the site's language ("A, B and C", "A, B und C"). */
function authorViews(authors: readonly Author[], language: string): readonly AuthorView[] {
  if (authors.length === 1) return soleAuthorView(authors[0]!);
  const seps = separators(
    authors.map((a) => a.name),
    language,
  );
  return authors.map((a, i) => ({ name: a.name, url: a.url ?? null, separator: seps[i] ?? ', ' }));
}

// Built once per Site object: 10,000 article pages share one view.
const siteViews = new WeakMap<Site, SiteView>();

export function siteView(site: Site): SiteView {
  let view = siteViews.get(site);
  if (!view) {
    view = {
      title: site.title,
      url: site.url,
      description: site.description,
      language: site.language,
      timezone: site.timezone,
      author: site.author ? authorViews([site.author], site.language)[0]! : null,
      stylesheet: site.url + SITE_STYLESHEET,
      tagsUrl: site.url + 'tags/',
      archiveUrl: site.url + ARCHIVE_URL_PATH,
      feeds: feedUrls(site.url),
    };
    siteViews.set(site, view);
  }
  return view;
}

// One view per tag and site: ten thousand articles list the same fifty tags.
const tagViews = new WeakMap<Site, Map<string, TagView>>();

export function tagView(site: Site, tag: Tag): TagView {
  let views = tagViews.get(site);
  if (!views) tagViews.set(site, (views = new Map()));
  const key = `${tag.slug}\u0000${tag.name}`;
  let view = views.get(key);
  if (!view) {
    const url = tagUrl(site, tag.slug);
    view = { name: tag.name, slug: tag.slug, url, feeds: feedUrls(url) };
    views.set(key, view);
  }
  return view;
}

// One view per article and site: the index and every tag page list the same articles, and the
// views are read-only data. Weak keys: a build's site and articles go, and their views with them.
const summaryViews = new WeakMap<Site, WeakMap<Article, ArticleSummaryView>>();

/** What a list shows of an article; made once per article and site. */
export function articleSummaryView(site: Site, article: Article): ArticleSummaryView {
  let views = summaryViews.get(site);
  if (!views) {
    views = new WeakMap();
    summaryViews.set(site, views);
  }
  let view = views.get(article);
  if (!view) {
    view = makeSummaryView(site, article);
    views.set(article, view);
  }
  return view;
}

function makeSummaryView(site: Site, article: Article): ArticleSummaryView {
  const siteAuthor = siteView(site).author;
  const canonical = article.canonical ?? article.url;
  const updated = article.updated.getTime() > article.date.getTime() ? pageDate(article.updated, site.timezone, site.language) : null;
  return {
    id: article.id,
    slug: article.slug,
    title: article.title,
    summary: article.summary,
    url: article.url,
    canonical,
    canonicalElsewhere: canonical === article.url ? null : canonical,
    image: article.image ?? null,
    authors: article.authors.length > 0 ? authorViews(article.authors, site.language) : siteAuthor ? [siteAuthor] : [],
    published: pageDate(article.date, site.timezone, site.language),
    updated,
    tags: uniqueTags(article.tags).map((t) => tagView(site, t)),
    extra: article.extra,
  };
}

function uniqueTags(tags: readonly Tag[]): readonly Tag[] {
  if (tags.length < 2) return tags;
  const seen = new Set<string>();
  return tags.filter((t) => !seen.has(t.slug) && seen.add(t.slug));
}

export function articleView(site: Site, article: Article): ArticleView {
  return { ...articleSummaryView(site, article), html: article.html };
}

/** A sorted copy, newest first (see compareNewestFirst). */
export function newestFirst(articles: readonly Article[]): Article[] {
  return [...articles].sort(compareNewestFirst);
}
