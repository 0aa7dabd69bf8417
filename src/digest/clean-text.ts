/**
 * Plain text as it may safely reach a template, a header or a text part: no control characters
 * (they break headers and some mail clients), no lone surrogates (they cannot be encoded as
 * UTF-8), whitespace runs collapsed. Markup is left alone: escaping is the output's job.
 */
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Invisible characters that reorder text: allowed in prose, never in a name shown as a sender or recipient. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** One line: every run of whitespace (CR, LF and tabs included) becomes one space. */
export function cleanLine(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/[\t\r\n]+/g, ' ')
    .replace(CONTROLS, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A person's name for a greeting or an address header, at most `max` characters. */
export function cleanName(text: string | null | undefined, max = 200): string {
  if (!text) return '';
  const line = cleanLine(text).replace(BIDI_CONTROLS, '');
  const chars = Array.from(line);
  return chars.length > max ? chars.slice(0, max).join('').trim() : line;
}
