/**
 * Escaping for the two markup languages a feed nests: XML around the feed, HTML inside it.
 * Inputs are expected to be cleaned already (`cleanXmlText`); these functions only escape.
 * One pass each: bodies can be hundreds of kilobytes.
 */

const REFERENCES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
const reference = (c: string): string => REFERENCES[c] ?? c;

/** Character data. `>` is escaped too, so `]]>` can never appear in the output. */
export function escapeXmlText(text: string): string {
  return text.replace(/[&<>]/g, reference);
}

/**
 * A double-quoted attribute value. Tab, LF and CR become character references because a parser
 * would otherwise normalise them to spaces.
 */
export function escapeXmlAttr(text: string): string {
  return text.replace(/[&<>"\t\n\r]/g, reference);
}

/** Plain text made into HTML that displays exactly that text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, reference);
}
