/**
 * Text that any XML 1.0 document (and, by extension, any feed or page) can carry unchanged.
 *
 * Removed:
 * - what XML 1.0 forbids outright (its `Char` production): C0 controls other than tab, LF and CR,
 *   unpaired surrogate halves, U+FFFE and U+FFFF;
 * - what XML 1.0 §2.2 discourages and the W3C Feed Validator flags: DEL and the C1 controls
 *   (U+007F–U+009F), and every Unicode noncharacter (U+FDD0–U+FDEF, U+nFFFE/U+nFFFF).
 *
 * Line breaks are normalised to LF, as an XML parser would do anyway, so the bytes we write are the
 * bytes a reader gets back.
 *
 * Invariant: `cleanXmlText(cleanXmlText(s)) === cleanXmlText(s)`, and the result matches `Char*`.
 */

// With the `u` flag a paired surrogate is one code point, so `\p{Cs}` only matches unpaired halves.
const NOT_IN_XML = /(?![\t\n])[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}]/gu;

// Every UTF-16 unit the two replaces could touch, tested without the `u` flag because that scan is
// several times faster and nearly every field (each whole article body) is already clean. Astral
// noncharacters (U+nFFFE/U+nFFFF) are surrogate pairs, and telling a pair from a lone half needs
// `isWellFormed` (not in lib ES2023), so any surrogate sends the text to the exact pass.
const MAYBE_NOT_IN_XML = /[\r\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uD800-\uDFFF\uFDD0-\uFDEF\uFFFE\uFFFF]/;

export function cleanXmlText(text: string): string {
  if (!MAYBE_NOT_IN_XML.test(text)) return text;
  return text.replace(/\r\n?/g, '\n').replace(NOT_IN_XML, '');
}

/** One line of display text: clean, XML whitespace collapsed, trimmed. Other spaces (NBSP) stay. */
export function oneLine(text: string): string {
  return cleanXmlText(text).replace(/[ \t\n]+/g, ' ').trim();
}
