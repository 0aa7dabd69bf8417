/**
 * JSON Feed 1.1 (https://jsonfeed.org/version/1.1), written from the model. The `feed` package
 * only writes version 1 (a single `author`, no `language`), so it is not used here.
 *
 * Keys appear in the order the specification lists them; absent values are left out, never null.
 */
import type { FeedData, FeedEntry, FeedPerson } from './feed-data.js';
import { formatRfc3339 } from './rfc3339.js';

interface JsonAuthor {
  readonly name: string;
  readonly url?: string;
}

function author(p: FeedPerson): JsonAuthor {
  // JSON Feed authors have no e-mail field; an address is not turned into a link without consent.
  return { name: p.name, ...(p.url ? { url: p.url } : {}) };
}

function item(e: FeedEntry, language: string): Record<string, unknown> {
  return {
    id: e.id,
    url: e.url,
    ...(e.externalUrl ? { external_url: e.externalUrl } : {}),
    title: e.title,
    content_html: e.contentHtml,
    ...(e.summary ? { summary: e.summary } : {}),
    ...(e.image ? { image: e.image.url } : {}),
    date_published: formatRfc3339(e.published),
    date_modified: formatRfc3339(e.updated),
    ...(e.authors.length > 0 ? { authors: e.authors.map(author) } : {}),
    ...(e.tags.length > 0 ? { tags: e.tags.map((t) => t.name) } : {}),
    ...(language ? { language } : {}),
  };
}

export function renderJsonFeed(data: FeedData): string {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: data.title,
    home_page_url: data.homeUrl,
    feed_url: data.feedUrls.json,
    ...(data.description ? { description: data.description } : {}),
    ...(data.language ? { language: data.language } : {}),
    ...(data.author ? { authors: [author(data.author)] } : {}),
    items: data.entries.map((e) => item(e, data.language)),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}
