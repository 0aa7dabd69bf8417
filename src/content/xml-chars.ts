/**
 * Characters that may not appear in an XML 1.0 document (feeds are XML), plus the C1 controls
 * and U+007F that XML 1.0 discourages and that in articles are only ever mis-decoded bytes.
 * Allowed: TAB, LF, CR, U+0020–U+007E, U+0085, U+00A0–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
 * With the `u` flag a lone surrogate counts as one code point, so it is matched too.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NOT_XML_CHARS = /[^\t\n\r\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

// The same class over UTF-16 units, without the `u` flag (several times faster on the clean text
// nearly every article is). It also matches every surrogate, paired or not, so a hit only means
// "ask the exact regex", which tells a valid pair from a lone half.
const MAYBE_NOT_XML_CHAR = /[^\t\n\r\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD]/;

export function hasNonXmlChars(text: string): boolean {
  return MAYBE_NOT_XML_CHAR.test(text) && NOT_XML_CHAR.test(text);
}

export function stripNonXmlChars(text: string): string {
  return hasNonXmlChars(text) ? text.replace(NOT_XML_CHARS, '') : text;
}

/** Every offending character with its UTF-16 index, for warnings that name the line. */
export function findNonXmlChars(text: string): { index: number; char: string }[] {
  const found: { index: number; char: string }[] = [];
  for (const m of text.matchAll(NOT_XML_CHARS)) found.push({ index: m.index, char: m[0] });
  return found;
}

/** "U+0001" */
export function codePointLabel(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
