/**
 * The URL layout of the built site, in one place: every renderer and the server agree on it.
 * All paths are relative to `out/` and use forward slashes.
 */
export const FEED_FILES = { rss: 'feed.xml', atom: 'atom.xml', json: 'feed.json' } as const;
export type FeedFormat = keyof typeof FEED_FILES;

export const FEED_STYLESHEET = 'feed.xsl';
export const SITE_STYLESHEET = 'style.css';

export function articlePath(slug: string): string {
  return `articles/${slug}/index.html`;
}

export function articleUrlPath(slug: string): string {
  return `articles/${encodeURIComponent(slug)}/`;
}

export function tagDir(tagSlug: string): string {
  return `tags/${tagSlug}/`;
}

/** The archive: a page listing the months, and one page per month ("2026-11"). */
export const ARCHIVE_PAGE = 'archive/index.html';
export const ARCHIVE_URL_PATH = 'archive/';

export function monthPath(month: string): string {
  return `archive/${month.replace('-', '/')}/index.html`;
}

export function monthUrlPath(month: string): string {
  return `archive/${month.replace('-', '/')}/`;
}

export function tagUrlPath(tagSlug: string): string {
  return `tags/${encodeURIComponent(tagSlug)}/`;
}
