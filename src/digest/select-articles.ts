/**
 * Which articles a digest covers. Keyed by GUID, never by date or content: an edited article keeps
 * its GUID and is not sent again, while an article that is new to the ledger is picked up even when
 * its date is older than the last digest (back-dated posts). Pure.
 */
import type { Article } from '../model/index.js';

export interface DigestSelectionInput {
  /** Published articles; any order (they are sorted newest first here). */
  readonly published: readonly Article[];
  /** GUIDs already covered by a digest that was sent. */
  readonly covered: ReadonlySet<string>;
  /** No digest was ever sent: only articles within the lookback window count as new. */
  readonly firstRun: boolean;
  readonly lookbackMs: number;
  readonly now: Date;
  readonly maxArticles: number;
}

export interface DigestSelection {
  /** The newest `maxArticles` new articles, newest first: one card each. */
  readonly shown: readonly Article[];
  /** The rest, newest first: counted in "and N more", covered by this digest, never carried over. */
  readonly more: readonly Article[];
  /** GUIDs of shown + more: what the ledger records as covered once the digest is made. */
  readonly covered: readonly string[];
}

/** Null when nothing is new: no digest is made. */
export function selectDigestArticles(input: DigestSelectionInput): DigestSelection | null {
  const { maxArticles, lookbackMs, now } = input;
  if (!Number.isInteger(maxArticles) || maxArticles < 1) throw new RangeError(`maxArticles must be a positive integer, got ${maxArticles}`);
  if (!(lookbackMs >= 0)) throw new RangeError(`lookbackMs must be zero or more, got ${lookbackMs}`);
  const nowMs = now.getTime();
  const since = nowMs - lookbackMs;
  const seen = new Set<string>();
  const fresh: Article[] = [];
  for (const article of input.published) {
    const at = article.date.getTime();
    // Drafts and future-dated articles are not published yet, whatever the caller passed.
    if (article.draft || at > nowMs) continue;
    if (input.covered.has(article.id) || seen.has(article.id)) continue;
    if (input.firstRun && at < since) continue;
    seen.add(article.id);
    fresh.push(article);
  }
  if (fresh.length === 0) return null;
  // Stable sort: equal dates keep the caller's order, so the same input always gives the same digest.
  fresh.sort((a, b) => b.date.getTime() - a.date.getTime());
  return {
    shown: fresh.slice(0, maxArticles),
    more: fresh.slice(maxArticles),
    covered: fresh.map((a) => a.id),
  };
}
