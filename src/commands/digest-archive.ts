/**
 * The digests the web archive shows, read from the state store's digest rows: every digest that
 * was made (whatever its send status: its "view in browser" link went out with the first message),
 * with the web version stored in its payload when it was made.
 */
import type { RenderedDigest } from '../digest/index.js';
import type { Article, DigestRecord } from '../model/index.js';
import { archivedDigestProblem, type ArchivedDigest } from '../render/digest-archive.js';

export interface ArchiveFromStoreOptions {
  /** The published articles: the archive names the ones each digest showed. Unpublished ones are left out. */
  readonly articles?: readonly Article[];
  /** Told about each digest left out of the archive, and why. */
  readonly warn?: (message: string) => void;
}

/**
 * The stored web version, or why there is none to show. The payload is the JSON of the
 * RenderedDigest (`serialiseDigest` in digest-job.ts); only its `web.content` is read, and parsed
 * here rather than through digest-job.ts so the build does not load the mail and send modules.
 */
function storedWebHtml(payload: string | null): string | { readonly problem: string } {
  if (payload === null) return { problem: 'it has no stored message' };
  let web: unknown;
  try {
    web = (JSON.parse(payload) as { web?: Partial<RenderedDigest['web']> } | null)?.web?.content;
  } catch (e) {
    return { problem: `its stored message cannot be read (${(e as Error).message})` };
  }
  return typeof web === 'string' ? web : { problem: 'its stored message has no web version' };
}

function leftOut(id: string, why: string): string {
  return `digest ${id} is left out of the archive at digests/: ${why}`;
}

/**
 * `records` as the store lists them (oldest first). A digest whose web version cannot be read, or
 * whose id or date cannot be written (see `archivedDigestProblem`), is left out with a warning
 * rather than stopping the build: the rest of the site and archive still publish.
 */
export function archivedDigestsFromStore(records: readonly DigestRecord[], options: ArchiveFromStoreOptions = {}): ArchivedDigest[] {
  const byId = new Map((options.articles ?? []).map((a) => [a.id, a]));
  const warn = options.warn ?? (() => {});
  const archived: ArchivedDigest[] = [];
  // Ids differing only in case would share a folder on macOS and Windows: the first made keeps it.
  const folders = new Set<string>();
  for (const record of records) {
    const web = storedWebHtml(record.payload);
    if (typeof web !== 'string') {
      warn(leftOut(record.id, web.problem));
      continue;
    }
    const digest: ArchivedDigest = {
      id: record.id,
      createdAt: record.createdAt,
      subject: record.subject,
      webHtml: web,
      articleCount: Math.max(record.coveredIds.length, record.articleIds.length),
      articles: record.articleIds.flatMap((id) => {
        const article = byId.get(id);
        return article ? [{ title: article.title, url: article.url }] : [];
      }),
    };
    const problem =
      archivedDigestProblem(digest) ?? (folders.has(record.id.toLowerCase()) ? 'another digest has the same id apart from letter case' : undefined);
    if (problem) {
      warn(leftOut(record.id, problem));
      continue;
    }
    folders.add(record.id.toLowerCase());
    archived.push(digest);
  }
  return archived;
}
