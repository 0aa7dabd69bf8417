/**
 * What templates/digests.liquid sees: plain objects of strings, numbers and arrays, built from the
 * archived digests like page-view.ts builds the article pages' data. Dates are in the site's zone.
 */
import type { Site } from '../model/index.js';
import type { ArchivedDigest } from './archived-digest.js';
import { oneLine } from './clean-xml-text.js';
import { newestDigestsFirst } from './digest-archive-order.js';
import { digestArchiveUrl, digestFeedUrls, digestWebUrl } from './digest-archive-paths.js';
import { digestTitle } from './digest-archive-text.js';
import { pageDate, type PageDate } from './page-dates.js';
import { feedLinks, siteFeedLinks, type FeedLink, type FeedUrls } from './page-view.js';

export interface DigestView {
  readonly id: string;
  /** Plain text; the id stands in for an empty subject. */
  readonly subject: string;
  /** The digest's web version. */
  readonly url: string;
  readonly created: PageDate;
  /** Every article the digest covered. */
  readonly articleCount: number;
  /** The shown articles still published, in the order shown. */
  readonly articles: ReadonlyArray<{ readonly title: string; readonly url: string }>;
}

export interface DigestArchiveView {
  /** The archive page. */
  readonly url: string;
  readonly feeds: FeedUrls;
  readonly count: number;
}

export interface DigestArchivePageData {
  readonly archive: DigestArchiveView;
  /** Newest first. */
  readonly digests: readonly DigestView[];
  /** The archive's feeds first (what a reader subscribing here wants), then the site's. */
  readonly feeds: readonly FeedLink[];
}

export function digestArchivePageData(site: Site, digests: readonly ArchivedDigest[]): DigestArchivePageData {
  const url = digestArchiveUrl(site.url);
  const list = newestDigestsFirst(digests).map((d): DigestView => {
    const articles = d.articles.map((a) => ({ title: oneLine(a.title), url: a.url })).filter((a) => a.title !== '');
    return {
      id: d.id,
      subject: digestTitle(d),
      url: digestWebUrl(site.url, d.id),
      created: pageDate(d.createdAt, site.timezone, site.language),
      articleCount: Math.max(articles.length, Number.isSafeInteger(d.articleCount) ? d.articleCount : 0),
      articles,
    };
  });
  return {
    archive: { url, feeds: digestFeedUrls(site.url), count: list.length },
    digests: list,
    feeds: [...feedLinks(url, `${site.title}: Digests`), ...siteFeedLinks(site)],
  };
}
