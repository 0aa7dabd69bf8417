/** Plain one-line text for titles, summaries and names. */

/** NFC, whitespace runs (including line breaks) → one space, trimmed. */
export function collapseWhitespace(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/**
 * Removes HTML tags and comments, keeping their text; used for a front-matter summary, which is
 * plain text. Entities are left as written: the renderers escape everything they print.
 */
export function stripTags(text: string): string {
  return text.replace(/<!--[\s\S]*?(?:-->|$)|<\/?[A-Za-z][^<>]*>/g, ' ');
}
