import type { Article, OutputFile, Site } from '../../model/index.js';
import { renderAtom } from './atom.js';
import { buildFeedData } from './feed-data.js';
import { feedPaths, type FeedScope } from './feed-paths.js';
import { renderJsonFeed } from './json-feed.js';
import { renderRss } from './rss.js';

/**
 * RSS 2.0, Atom 1.0 and JSON Feed 1.1 files of the whole site, or of one tag.
 *
 * `articles` are the published articles (any order; drafts and future articles already left out).
 * Those in scope are taken newest first, up to `site.feedLimit`. Pure: the same arguments always
 * give the same bytes; no clock, no I/O. Throws a `GazetteError` naming every article that cannot
 * be written (id not a URI, invalid date, duplicate id).
 */
export function renderFeeds(site: Site, articles: readonly Article[], scope?: FeedScope): OutputFile[] {
  const data = buildFeedData(site, articles, scope);
  const paths = feedPaths(scope);
  return [
    { path: paths.rss, content: renderRss(data) },
    { path: paths.atom, content: renderAtom(data) },
    { path: paths.json, content: renderJsonFeed(data) },
  ];
}
