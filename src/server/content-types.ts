/**
 * What the server says about a file of out/, decided by its name alone: the media type, whether it
 * is worth compressing, and how long caches may keep it without asking again.
 *
 * Feeds are recognised by their file name (the layout in model/paths.ts), so `tags/x/feed.xml` and
 * `digests/feed.xml` are RSS too, while any other `.xml` is plain XML.
 */
import { FEED_FILES } from '../model/index.js';

export interface FileKind {
  readonly contentType: string;
  readonly compressible: boolean;
  readonly cacheControl: string;
}

/** Pages and feeds change on every build: caches keep them briefly, then revalidate (cheap 304). */
const SHORT = 'public, max-age=300';
/** style.css and feed.xsl are not fingerprinted, so they may change with a template edit. */
const MEDIUM = 'public, max-age=3600';
/** Images and fonts are rarely replaced under the same name. */
const LONG = 'public, max-age=86400';

const kind = (contentType: string, compressible: boolean, cacheControl: string): FileKind => ({ contentType, compressible, cacheControl });

const BY_NAME: ReadonlyMap<string, FileKind> = new Map([
  [FEED_FILES.rss, kind('application/rss+xml; charset=utf-8', true, SHORT)],
  [FEED_FILES.atom, kind('application/atom+xml; charset=utf-8', true, SHORT)],
  [FEED_FILES.json, kind('application/feed+json; charset=utf-8', true, SHORT)],
]);

const BY_EXTENSION: ReadonlyMap<string, FileKind> = new Map([
  ['html', kind('text/html; charset=utf-8', true, SHORT)],
  ['htm', kind('text/html; charset=utf-8', true, SHORT)],
  ['xml', kind('application/xml; charset=utf-8', true, SHORT)],
  ['json', kind('application/json; charset=utf-8', true, SHORT)],
  ['txt', kind('text/plain; charset=utf-8', true, SHORT)],
  ['xsl', kind('application/xslt+xml; charset=utf-8', true, MEDIUM)],
  ['xslt', kind('application/xslt+xml; charset=utf-8', true, MEDIUM)],
  ['css', kind('text/css; charset=utf-8', true, MEDIUM)],
  ['js', kind('text/javascript; charset=utf-8', true, MEDIUM)],
  ['mjs', kind('text/javascript; charset=utf-8', true, MEDIUM)],
  ['map', kind('application/json; charset=utf-8', true, MEDIUM)],
  ['webmanifest', kind('application/manifest+json; charset=utf-8', true, MEDIUM)],
  ['svg', kind('image/svg+xml', true, LONG)],
  ['png', kind('image/png', false, LONG)],
  ['jpg', kind('image/jpeg', false, LONG)],
  ['jpeg', kind('image/jpeg', false, LONG)],
  ['gif', kind('image/gif', false, LONG)],
  ['webp', kind('image/webp', false, LONG)],
  ['avif', kind('image/avif', false, LONG)],
  ['ico', kind('image/x-icon', true, LONG)],
  ['woff', kind('font/woff', false, LONG)],
  ['woff2', kind('font/woff2', false, LONG)],
  ['ttf', kind('font/ttf', true, LONG)],
  ['otf', kind('font/otf', true, LONG)],
  ['pdf', kind('application/pdf', false, LONG)],
  ['mp3', kind('audio/mpeg', false, LONG)],
  ['ogg', kind('audio/ogg', false, LONG)],
  ['m4a', kind('audio/mp4', false, LONG)],
  ['mp4', kind('video/mp4', false, LONG)],
  ['webm', kind('video/webm', false, LONG)],
]);

/** Unknown files are offered as bytes, never sniffed into something executable. */
const UNKNOWN = kind('application/octet-stream', false, SHORT);

export function fileKind(fileName: string): FileKind {
  const byName = BY_NAME.get(fileName);
  if (byName) return byName;
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0) return UNKNOWN;
  return BY_EXTENSION.get(fileName.slice(dot + 1).toLowerCase()) ?? UNKNOWN;
}
