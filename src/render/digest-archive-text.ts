/**
 * Display text of the digest archive, the same on the page and in the feeds: one line, legal in
 * XML, whitespace collapsed (the feeds' own rule for titles, see feeds/feed-data.ts).
 */
import type { ArchivedDigest } from './archived-digest.js';
import { cleanXmlText } from './clean-xml-text.js';

export function oneLine(text: string): string {
  return cleanXmlText(text).replace(/[ \t\n]+/g, ' ').trim();
}

/** The digest's subject; its id stands in for a subject with nothing to show. */
export function digestTitle(digest: ArchivedDigest): string {
  return oneLine(digest.subject) || `Digest ${digest.id}`;
}
