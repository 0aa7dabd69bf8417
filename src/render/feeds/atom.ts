/**
 * Atom 1.0 (RFC 4287), written here rather than by the `feed` package, whose Atom writer cannot
 * produce a correct feed from our model: it re-serialises entry ids through WHATWG `URL` (a GUID
 * like `tag:example.org,2026:überblick` would change), writes titles and summaries as `type="html"`
 * CDATA (a plain-text title with "<b>" would be read as markup), leaves `<` unescaped in attribute
 * values (a tag named "a<b" makes the file ill-formed) and guesses enclosure types from extensions.
 *
 * Everything is escaped as character data; there is no CDATA, so `]]>` needs no special case.
 */
import { escapeXmlAttr, escapeXmlText } from './escape-markup.js';
import type { FeedData, FeedEntry, FeedPerson } from './feed-data.js';
import { formatRfc3339 } from './rfc3339.js';

/**
 * `<updated>` of a feed with no entries. Atom requires one and nothing in the model dates an empty
 * feed; a fixed instant keeps the output deterministic. It is not the Unix epoch, which validators
 * flag as implausible.
 */
export const EMPTY_FEED_UPDATED = new Date(Date.UTC(2000, 0, 1));

/** atom.rnc's `atomLanguageTag`; anything else is left out rather than written invalid. */
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

type Attributes = ReadonlyArray<readonly [name: string, value: string]>;

function open(name: string, attributes: Attributes): string {
  return `<${name}${attributes.map(([k, v]) => ` ${k}="${escapeXmlAttr(v)}"`).join('')}`;
}

function empty(name: string, attributes: Attributes): string {
  return `${open(name, attributes)}/>`;
}

function text(name: string, value: string, attributes: Attributes = []): string {
  return `${open(name, attributes)}>${escapeXmlText(value)}</${name}>`;
}

function personLines(element: 'author', p: FeedPerson, indent: string): string[] {
  return [
    `${indent}<${element}>`,
    `${indent}  ${text('name', p.name)}`,
    ...(p.email ? [`${indent}  ${text('email', p.email)}`] : []),
    ...(p.url ? [`${indent}  ${text('uri', p.url)}`] : []),
    `${indent}</${element}>`,
  ];
}

function entryLines(e: FeedEntry): string[] {
  const i = '    ';
  return [
    '  <entry>',
    `${i}${text('id', e.id)}`,
    `${i}${text('title', e.title, [['type', 'text']])}`,
    `${i}${empty('link', [['rel', 'alternate'], ['type', 'text/html'], ['href', e.url]])}`,
    ...(e.externalUrl ? [`${i}${empty('link', [['rel', 'via'], ['href', e.externalUrl]])}`] : []),
    ...(e.image?.mimeType ? [`${i}${empty('link', [['rel', 'enclosure'], ['type', e.image.mimeType], ['href', e.image.url]])}`] : []),
    `${i}${text('published', formatRfc3339(e.published))}`,
    `${i}${text('updated', formatRfc3339(e.updated))}`,
    ...e.authors.flatMap((a) => personLines('author', a, i)),
    ...e.tags.map((t) => `${i}${empty('category', [['term', t.slug], ['label', t.name]])}`),
    ...(e.summary ? [`${i}${text('summary', e.summary, [['type', 'text']])}`] : []),
    `${i}${text('content', e.contentHtml, [['type', 'html']])}`,
    '  </entry>',
  ];
}

export function renderAtom(data: FeedData): string {
  // RFC 4287 §4.1.1: a feed without an author is invalid if any entry lacks one.
  const feedAuthor: FeedPerson | undefined =
    data.author ?? (data.entries.some((e) => e.authors.length === 0) ? { name: data.fallbackAuthorName } : undefined);
  const rootAttributes: Array<[string, string]> = [['xmlns', 'http://www.w3.org/2005/Atom']];
  if (LANGUAGE_TAG.test(data.language)) rootAttributes.push(['xml:lang', data.language]);
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<?xml-stylesheet href="${escapeXmlAttr(data.stylesheetHref)}" type="text/xsl"?>`,
    `${open('feed', rootAttributes)}>`,
    `  ${text('id', data.id)}`,
    `  ${text('title', data.title, [['type', 'text']])}`,
    ...(data.description ? [`  ${text('subtitle', data.description, [['type', 'text']])}`] : []),
    `  ${text('updated', formatRfc3339(data.updated ?? EMPTY_FEED_UPDATED))}`,
    `  ${empty('link', [['rel', 'alternate'], ['type', 'text/html'], ['href', data.homeUrl]])}`,
    `  ${empty('link', [['rel', 'self'], ['type', 'application/atom+xml'], ['href', data.feedUrls.atom]])}`,
    ...(feedAuthor ? personLines('author', feedAuthor, '  ') : []),
    `  ${text('generator', 'Gazette')}`,
    ...data.entries.flatMap(entryLines),
    '</feed>',
  ];
  return `${lines.join('\n')}\n`;
}
