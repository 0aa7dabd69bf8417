/**
 * RSS 2.0 with content:encoded, dc:creator and atom:link rel="self", written by the `feed` package.
 *
 * What `feed` v6 (and the xml-js it writes with) does with its input, and what we hand it instead:
 * - Text nodes: xml-js turns every `&amp;` back into `&` before escaping, so a title that really
 *   says "&amp;" would lose it. Escaping `&` first (`forXmlJs`) makes the round trip exact.
 * - Item titles go into CDATA verbatim, and xml-js splits only the first `]]>` of a CDATA section.
 *   Titles are plain text, so we write them as ordinary escaped text instead, through an item
 *   extension named `title` (extensions are assigned last, so it replaces the CDATA title in place).
 * - description and content:encoded stay CDATA but never contain `]]>`: the description is the
 *   HTML-escaped summary (RSS descriptions are HTML), and in the body `]]>` becomes `]]&gt;`,
 *   which HTML reads the same way in text and attribute values.
 * - Item `author` needs an e-mail address in RSS, so authors are written as dc:creator by name.
 * - `lastBuildDate` falls back to the build clock; we always pass the newest entry's `updated`, and
 *   a feed with no entries has no lastBuildDate at all.
 * - Enclosures get a type guessed from the extension (`image/jpg`); we pass the real type and
 *   length 0 ("unknown", per the RSS Advisory Board profile), and only for known image types.
 */
import { Feed, type Extension, type Item } from 'feed';
import { EMPTY_FEED_UPDATED } from './atom.js';
import { escapeHtml } from './escape-markup.js';
import type { FeedData, FeedEntry } from './feed-data.js';

/**
 * Text and attribute values for xml-js. Text: xml-js turns `&amp;` back into `&` before escaping.
 * Attributes: it escapes only `"`, and URLs have no `<`, so `&` is what is left.
 */
function forXmlJs(text: string): string {
  return text.replace(/&/g, '&amp;');
}

function forCdata(html: string): string {
  return html.replace(/]]>/g, ']]&gt;');
}

function textElement(name: string, values: readonly string[]): Extension {
  const nodes = values.map((value) => ({ _text: forXmlJs(value) }));
  // xml-js writes an array as repeated elements; `feed` types `objects` as a record only.
  return { name, objects: (nodes.length === 1 ? nodes[0] : nodes) as unknown as Record<string, unknown> };
}

function item(entry: FeedEntry): Item {
  const extensions = [textElement('title', [entry.title])];
  if (entry.authors.length > 0) extensions.push(textElement('dc:creator', entry.authors.map((a) => a.name)));
  return {
    // Replaced by the `title` extension; non-empty so the element keeps its place before <link>.
    title: entry.title,
    link: entry.url,
    guid: forXmlJs(entry.id),
    date: entry.updated,
    published: entry.published,
    // content:encoded without a description is flagged by the W3C validator, so there always is one.
    description: escapeHtml(entry.summary || entry.title),
    content: forCdata(entry.contentHtml),
    category: entry.tags.map((tag) => ({ name: forXmlJs(tag.name) })),
    ...(entry.image?.mimeType ? { enclosure: { url: entry.image.url, type: entry.image.mimeType, length: 0 } } : {}),
    extensions,
  };
}

export function renderRss(data: FeedData): string {
  const feed = new Feed({
    title: forXmlJs(data.title),
    // RSS requires a non-empty channel description.
    description: forXmlJs(data.description || data.title),
    link: data.homeUrl,
    ...(data.language ? { language: forXmlJs(data.language) } : {}),
    // Never undefined: `feed` would put the build clock here. With no entries the element is removed below.
    updated: data.updated ?? EMPTY_FEED_UPDATED,
    generator: 'Gazette',
    docs: 'https://www.rssboard.org/rss-specification',
    stylesheet: forXmlJs(data.stylesheetHref),
    feedLinks: { rss: data.feedUrls.rss },
  });
  for (const entry of data.entries) feed.addItem(item(entry));
  let xml = feed.rss2();
  // Channel text is escaped, so with no items this tag can only be the channel's own.
  if (data.entries.length === 0) xml = xml.replace(/\n[ ]*<lastBuildDate>[^<]*<\/lastBuildDate>/, '');
  return `${xml}\n`;
}
