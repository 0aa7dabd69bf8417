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

export function cleanXmlText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(NOT_IN_XML, '');
}
