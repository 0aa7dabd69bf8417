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

export function tagUrlPath(tagSlug: string): string {
  return `tags/${encodeURIComponent(tagSlug)}/`;
}
