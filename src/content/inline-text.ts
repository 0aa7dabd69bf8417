/** Plain one-line text for titles, summaries and names. */

/** NFC, whitespace runs (including line breaks) → one space, trimmed. */
export function collapseWhitespace(text: string): string {
  const nfc = NOT_ASCII.test(text) ? text.normalize('NFC') : text;
  // Most text has single spaces only: the replace would rewrite each of them with itself.
  return (RUN_OR_OTHER_SPACE.test(nfc) ? nfc.replace(/\s+/gu, ' ') : nfc).trim();
}

const NOT_ASCII = /[^\u0000-\u007f]/;
/** Two whitespace characters in a row, or one that is not a plain space. */
const RUN_OR_OTHER_SPACE = /\s\s|[^\S ]/u;

/**
 * Removes HTML tags and comments, keeping their text; used for a front-matter summary, which is
 * plain text. Entities are left as written: the renderers escape everything they print.
 */
export function stripTags(text: string): string {
  return text.replace(/<!--[\s\S]*?(?:-->|$)|<\/?[A-Za-z][^<>]*>/g, ' ');
}
