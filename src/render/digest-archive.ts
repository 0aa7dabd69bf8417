/**
 * The digest web archive under out/digests/: every digest's web version, the archive page that
 * lists them, and the archive's own RSS, Atom and JSON Feed. Pure: the digests arrive as data
 * (src/commands/digest-archive.ts reads them from the state store), no clock, no file.
 *
 * With no digests the archive still exists: the page says there are none yet and the feeds are
 * valid and empty, so the site's "Digest archive" link and a reader's subscription always work.
 */
import { GazetteError, type Problem } from '../errors.js';
import type { OutputFile, Site } from '../model/index.js';
import type { ArchivedDigest } from './archived-digest.js';
import { buildDigestFeedData } from './digest-archive-feed.js';
import { newestDigestsFirst } from './digest-archive-order.js';
import { DIGEST_FEED_PATHS, digestFolderProblem, digestWebPath } from './digest-archive-paths.js';
import { renderAtom } from './feeds/atom.js';
import { renderJsonFeed } from './feeds/json-feed.js';
import { renderRss } from './feeds/rss.js';
import type { PageRenderer } from './pages.js';

export type { ArchivedDigest, ArchivedDigestArticle } from './archived-digest.js';

/**
 * Why a digest cannot be archived, or undefined when it can: its id must make a folder under
 * digests/ that is not one of the archive's own files, and its date must be writable in every
 * feed format (valid, with a four-digit year).
 */
export function archivedDigestProblem(digest: ArchivedDigest): string | undefined {
  const folder = digestFolderProblem(digest.id);
  if (folder) return `the id ${folder}`;
  const time = digest.createdAt instanceof Date ? digest.createdAt.getTime() : Number.NaN;
  const year = Number.isNaN(time) ? Number.NaN : digest.createdAt.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return 'the creation date is not a valid date between the years 1000 and 9999';
  return undefined;
}

function checkDigests(digests: readonly ArchivedDigest[]): void {
  const problems: Problem[] = [];
  // Folders are compared without case: on macOS and Windows "A1" and "a1" are one folder.
  const seen = new Set<string>();
  for (const digest of digests) {
    const problem = archivedDigestProblem(digest);
    if (problem) problems.push({ message: `digest ${JSON.stringify(digest.id)}: ${problem}` });
    else if (seen.has(digest.id.toLowerCase())) problems.push({ message: `digest ${JSON.stringify(digest.id)}: another digest has the same id` });
    seen.add(digest.id.toLowerCase());
  }
  if (problems.length > 0) throw GazetteError.fromProblems('STATE', 'Cannot write the digest archive:', problems);
}

/**
 * `digests/index.html` (from the site's digests.liquid), `digests/feed.xml`, `digests/atom.xml`,
 * `digests/feed.json`, then `digests/<id>/index.html` for each digest, newest first, its stored web
 * version byte for byte. `digests` may come in any order; the feeds hold the newest
 * `site.feedLimit`, the page all of them. Throws a `GazetteError` listing every digest that cannot
 * be written (see `archivedDigestProblem`, and duplicate ids) before rendering anything.
 */
export function renderDigestArchive(pages: Pick<PageRenderer, 'renderDigestsIndex'>, site: Site, digests: readonly ArchivedDigest[]): OutputFile[] {
  checkDigests(digests);
  const ordered = newestDigestsFirst(digests);
  const feed = buildDigestFeedData(site, ordered);
  return [
    pages.renderDigestsIndex(site, ordered),
    { path: DIGEST_FEED_PATHS.rss, content: renderRss(feed) },
    { path: DIGEST_FEED_PATHS.atom, content: renderAtom(feed) },
    { path: DIGEST_FEED_PATHS.json, content: renderJsonFeed(feed) },
    ...ordered.map((d): OutputFile => ({ path: digestWebPath(d.id), content: d.webHtml })),
  ];
}
