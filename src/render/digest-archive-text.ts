/**
 * Display text of the digest archive, the same on the page and in the feeds: one line, legal in
 * XML, whitespace collapsed (the feeds' own rule for titles: `oneLine` in clean-xml-text.ts).
 */
import type { ArchivedDigest } from './archived-digest.js';
import { oneLine } from './clean-xml-text.js';

/** The digest's subject; its id stands in for a subject with nothing to show. */
export function digestTitle(digest: ArchivedDigest): string {
  return oneLine(digest.subject) || `Digest ${digest.id}`;
}
