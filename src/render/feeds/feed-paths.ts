import { GazetteError } from '../../errors.js';
import { FEED_FILES, tagDir, tagUrlPath, type FeedFormat, type Tag } from '../../model/index.js';

/** Which articles a set of feeds covers: the whole site, or one tag. */
export interface FeedScope {
  readonly tag: Tag;
}

/**
 * A tag slug becomes a directory under out/, so it must stay one path segment. The model promises
 * this; checking it here keeps a bad slug from ever writing outside `tags/`.
 */
function safeTagSlug(tag: Tag): string {
  const slug = tag.slug;
  if (slug === '' || slug === '.' || slug === '..' || /[/\\\p{Cc}]/u.test(slug)) {
    throw new GazetteError('CONTENT', `Tag "${tag.name}" has the slug ${JSON.stringify(slug)}, which cannot be a folder name under tags/.`);
  }
  return slug;
}

/** Paths under out/ of a scope's feeds: `feed.xml`, `atom.xml`, `feed.json`, or under `tags/<slug>/`. */
export function feedPaths(scope?: FeedScope): Readonly<Record<FeedFormat, string>> {
  const dir = scope ? tagDir(safeTagSlug(scope.tag)) : '';
  return { rss: `${dir}${FEED_FILES.rss}`, atom: `${dir}${FEED_FILES.atom}`, json: `${dir}${FEED_FILES.json}` };
}

/** Absolute URLs of a scope's feeds, as readers subscribe to them (the slug percent-encoded). */
export function feedUrls(siteUrl: string, scope?: FeedScope): Readonly<Record<FeedFormat, string>> {
  const base = scope ? `${siteUrl}${tagUrlPath(safeTagSlug(scope.tag))}` : siteUrl;
  const url = (file: string): string => new URL(file, base).href;
  return { rss: url(FEED_FILES.rss), atom: url(FEED_FILES.atom), json: url(FEED_FILES.json) };
}

/** The page a scope's feeds describe: the home page, or the tag's page. */
export function scopeHomeUrl(siteUrl: string, scope?: FeedScope): string {
  return scope ? new URL(tagUrlPath(safeTagSlug(scope.tag)), siteUrl).href : new URL(siteUrl).href;
}
