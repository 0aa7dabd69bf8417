/**
 * The byline of plain-text news copy: "By A", "By A and B", "By A, B and C", "By A, B, and C",
 * "By A & B". A line only counts as a byline when every part looks like a name, so a lede such as
 * "By the end of the year, prices had doubled." stays a paragraph.
 */

const BYLINE = /^by\s+(.+?)\s*$/i;
const SEPARATORS = /\s*,\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+/i;
/** Lowercase words that belong inside names. */
const PARTICLES = new Set(['al', 'bin', 'da', 'de', 'del', 'der', 'di', 'dos', 'du', 'el', 'la', 'le', 'ten', 'ter', 'van', 'von', 'y']);
const NAME_WORD = /^[\p{L}\p{M}][\p{L}\p{M}'’.-]*$/u;
const MAX_BYLINE_LENGTH = 200;

export function parseByline(line: string): string[] | undefined {
  if (line.length > MAX_BYLINE_LENGTH) return undefined;
  const m = BYLINE.exec(line.trim());
  if (!m) return undefined;
  // A sentence ends with punctuation; a name does only in an abbreviation such as "Jr.".
  if (/[.!?]$/.test(m[1]!) && !/(?:^|\s)\p{L}{1,3}\.$/u.test(m[1]!)) return undefined;
  const names = m[1]!.split(SEPARATORS).map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0 || !names.every(looksLikeName)) return undefined;
  return names;
}

function looksLikeName(name: string): boolean {
  const words = name.split(/\s+/);
  if (words.length > 6) return false;
  return words.every((w, i) => {
    if (!NAME_WORD.test(w)) return false;
    const first = w.charAt(0);
    const capital = first !== first.toLowerCase();
    return capital || (i > 0 && PARTICLES.has(w));
  });
}
