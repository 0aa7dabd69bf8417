/**
 * Turns the path of a request URL into a path relative to out/, or refuses it. Pure: no fs.
 *
 * Invariant: an accepted path is a list of plain segments — none empty, none starting with "."
 * (so no "..", no dotfiles), none containing "/", "\", NUL or another control character — once
 * decoded AND once more decoded (so "%252e%252e" is refused like ".."). Anything that would need
 * normalising is refused rather than normalised: a well-behaved client never sends it, and
 * refusing is the only answer that cannot be got wrong. The file system check (realpath stays
 * inside out/) happens later, in the file cache, and catches symlinks.
 */

export type RequestPath =
  /** `segments` are decoded; `directory` is true when the URL ended in "/". */
  | { readonly ok: true; readonly segments: readonly string[]; readonly directory: boolean }
  | { readonly ok: false };

const REFUSED: RequestPath = { ok: false };
/** Longest request path considered at all; out/ paths are far shorter. */
const MAX_PATH = 2048;
// Encoded "/", "\" and NUL are refused outright: a segment may never carry them.
const ENCODED_SEPARATOR = /%(?:2f|5c|00)/i;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHAR = /[\u0000-\u001f\u007f\\/]/;

/** `rawPath` is the path part of the request target as sent, before any decoding (no query). */
export function parseRequestPath(rawPath: string): RequestPath {
  if (rawPath.length === 0 || rawPath.length > MAX_PATH || rawPath[0] !== '/') return REFUSED;
  if (rawPath.includes('\\') || ENCODED_SEPARATOR.test(rawPath)) return REFUSED;
  const directory = rawPath.endsWith('/');
  const body = directory ? rawPath.slice(1, -1) : rawPath.slice(1);
  if (body === '') return { ok: true, segments: [], directory: true };
  const segments: string[] = [];
  for (const raw of body.split('/')) {
    const once = decode(raw);
    if (once === null || !isPlainSegment(once)) return REFUSED;
    // A second decoding must not reveal anything the first one would have refused.
    if (once.includes('%')) {
      if (ENCODED_SEPARATOR.test(once)) return REFUSED;
      const twice = decode(once);
      if (twice !== null && !isPlainSegment(twice)) return REFUSED;
    }
    segments.push(once);
  }
  return { ok: true, segments, directory };
}

function decode(text: string): string | null {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function isPlainSegment(segment: string): boolean {
  return segment.length > 0 && segment[0] !== '.' && !FORBIDDEN_CHAR.test(segment);
}

/** The path part of a request target ("/a/b?x=1" → "/a/b"). */
export function pathOfTarget(target: string): string {
  const q = target.indexOf('?');
  const h = target.indexOf('#');
  const end = q === -1 ? (h === -1 ? target.length : h) : h === -1 ? q : Math.min(q, h);
  return target.slice(0, end);
}
