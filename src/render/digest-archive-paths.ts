/**
 * Where the digest archive lives under out/ and on the web: `digests/` holds the archive page and
 * its feeds, and one folder per digest with its web version. The folder layout matches the
 * "view in browser" links already mailed (src/digest/digest-paths.ts), so those keep working.
 */
import { FEED_FILES, isDigestId, type FeedFormat } from '../model/index.js';

const DIR = 'digests/';

/** The archive page, relative to out/. */
export const DIGEST_ARCHIVE_PAGE = `${DIR}index.html`;

/** The archive's own files inside digests/: a digest folder must never take one of these names. */
const RESERVED = new Set(['index.html', FEED_FILES.rss, FEED_FILES.atom, FEED_FILES.json]);

/**
 * Why `id` cannot name a digest's folder under digests/, or undefined when it can. Besides the id
 * rule, a folder must not shadow the archive's own files, compared without case because macOS and
 * Windows file systems ignore it.
 */
export function digestFolderProblem(id: string): string | undefined {
  if (!isDigestId(id)) return 'is not 1-128 letters, digits, ".", "-" or "_" starting with a letter or digit';
  if (RESERVED.has(id.toLowerCase())) return `is the name of the archive's own file digests/${id.toLowerCase()}`;
  return undefined;
}

/** `digests/<id>/index.html`; the id must have passed `digestFolderProblem`. */
export function digestWebPath(id: string): string {
  return `${DIR}${id}/index.html`;
}

/** Absolute URL of a digest's web version: the link the email's "view in browser" used. */
export function digestWebUrl(siteUrl: string, id: string): string {
  return new URL(`${DIR}${encodeURIComponent(id)}/`, siteUrl).href;
}

/** Absolute URL of the archive page. */
export function digestArchiveUrl(siteUrl: string): string {
  return new URL(DIR, siteUrl).href;
}

/** The archive's feeds, relative to out/. */
export const DIGEST_FEED_PATHS: Readonly<Record<FeedFormat, string>> = {
  rss: `${DIR}${FEED_FILES.rss}`,
  atom: `${DIR}${FEED_FILES.atom}`,
  json: `${DIR}${FEED_FILES.json}`,
};

/** Absolute URLs of the archive's feeds, as readers subscribe to them. */
export function digestFeedUrls(siteUrl: string): Readonly<Record<FeedFormat, string>> {
  const url = (path: string): string => new URL(path, siteUrl).href;
  return { rss: url(DIGEST_FEED_PATHS.rss), atom: url(DIGEST_FEED_PATHS.atom), json: url(DIGEST_FEED_PATHS.json) };
}
