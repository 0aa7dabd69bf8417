/**
 * Subscriber names come from CSV files and the public web form, and end up in `To:` headers,
 * greetings and CSV exports. Normalise them so none of those can break: one line, no control or
 * bidi-override characters, NFC, bounded length. An empty name is no name (null).
 */
const MAX_NAME_LENGTH = 200;

/** C0/C1 controls and line/paragraph separators become spaces. */
const CONTROLS = /[\p{Cc}\u2028\u2029]/gu;
/** Bidi embeddings/overrides/isolates can make a name display as something else: removed. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

export function normalizeName(input: string | null | undefined): string | null {
  if (input === null || input === undefined) return null;
  const cleaned = input
    .normalize('NFC')
    .replace(CONTROLS, ' ')
    .replace(BIDI_CONTROLS, '')
    .replace(/\s+/gu, ' ')
    .trim();
  if (cleaned === '') return null;
  const chars = Array.from(cleaned);
  return chars.length > MAX_NAME_LENGTH ? chars.slice(0, MAX_NAME_LENGTH).join('').trimEnd() : cleaned;
}
