/**
 * The archive's feeds as a `FeedData`, so the same RSS, Atom and JSON Feed writers as the article
 * feeds turn it into files, with the same cleaning and the same guarantees (see feeds/feed-data.ts).
 * One entry per digest: its subject, the link to its web version, a GUID from the site id and the
 * digest id, and a short body listing the articles it showed.
 */
import type { Site } from '../model/index.js';
import type { ArchivedDigest } from './archived-digest.js';
import { oneLine } from './clean-xml-text.js';
import { escapeHtml } from './feeds/escape-markup.js';
import { buildFeedData, type FeedData, type FeedEntry, type FeedPerson } from './feeds/feed-data.js';
import { httpUrl } from './feeds/http-url.js';
import { digestArchiveFeedId, digestGuid } from './digest-archive-ids.js';
import { digestArchiveUrl, digestFeedUrls, digestWebUrl } from './digest-archive-paths.js';
import { digestTitle } from './digest-archive-text.js';

function articles(n: number): string {
  return `${n} ${n === 1 ? 'article' : 'articles'}`;
}

function entryFrom(site: Site, siteId: string, authors: readonly FeedPerson[], digest: ArchivedDigest): FeedEntry {
  const url = digestWebUrl(site.url, digest.id);
  const shown = digest.articles
    .map((a) => ({ title: oneLine(a.title), url: httpUrl(a.url)?.href }))
    .filter((a) => a.title !== '');
  const count = Math.max(shown.length, Number.isSafeInteger(digest.articleCount) ? digest.articleCount : 0);
  const rest = count - shown.length;
  const summary =
    shown.length === 0
      ? `${articles(count)}.`
      : `${articles(count)}: ${shown.map((a) => a.title).join(' · ')}${rest > 0 ? ` · and ${rest} more` : ''}`;
  const list = shown.map((a) => `<li>${a.url ? `<a href="${escapeHtml(a.url)}">${escapeHtml(a.title)}</a>` : escapeHtml(a.title)}</li>`);
  const contentHtml = [
    `<p>${escapeHtml(articles(count))} in this digest${shown.length > 0 ? ':' : '.'}</p>`,
    ...(shown.length > 0 ? ['<ul>', ...list, '</ul>'] : []),
    ...(rest > 0 ? [`<p>and ${rest} more.</p>`] : []),
    `<p><a href="${escapeHtml(url)}">Read the digest</a></p>`,
  ].join('\n');
  return {
    id: digestGuid(siteId, digest.id),
    url,
    title: digestTitle(digest),
    summary,
    contentHtml,
    published: digest.createdAt,
    updated: digest.createdAt,
    authors,
    tags: [],
  };
}

/**
 * `digests` must be newest first with valid ids and dates (renderDigestArchive checks them); the
 * newest `site.feedLimit` become entries. Throws a `GazetteError` when `site.id` or `site.url`
 * cannot be written, as the article feeds do.
 */
export function buildDigestFeedData(site: Site, digests: readonly ArchivedDigest[]): FeedData {
  // The site's part of any feed (title, description, language, author, stylesheet), cleaned and
  // checked exactly as for the article feeds.
  const base = buildFeedData(site, []);
  const authors = base.author ? [base.author] : [];
  const limit = Math.max(0, Math.floor(site.feedLimit));
  const entries = digests.slice(0, limit).map((d) => entryFrom(site, base.id, authors, d));
  const latest = entries.reduce<Date | undefined>((max, e) => (!max || e.updated.getTime() > max.getTime() ? e.updated : max), undefined);
  const { updated: _none, ...rest } = base;
  return {
    ...rest,
    id: digestArchiveFeedId(base.id),
    title: `${base.title}: Digests`,
    description: `The email digests of ${base.title}, newest first.`,
    homeUrl: digestArchiveUrl(site.url),
    feedUrls: digestFeedUrls(site.url),
    ...(latest ? { updated: latest } : {}),
    entries,
  };
}
