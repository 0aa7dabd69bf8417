/**
 * Conditional GET/HEAD (RFC 9110 §13): strong entity tags and the 304 decision. Pure.
 *
 * A file's tag is a hash of its bytes ("<hex>"); each content coding is a different representation
 * and so gets its own strong tag ("<hex>-br", "<hex>-gz"). For If-None-Match the comparison is the
 * weak one (§8.8.3.2), and every coding of the same bytes counts as a match: whatever a cache
 * holds for this URL is still current, and the 304 names the representation it would get now.
 */
import type { Coding } from './accept-encoding.js';

const SUFFIX: Record<Coding, string> = { br: '-br', gzip: '-gz' };

/** The strong ETag header value for the file with hash `hex`, sent with `coding` (null: identity). */
export function entityTag(hex: string, coding: Coding | null): string {
  return coding ? `"${hex}${SUFFIX[coding]}"` : `"${hex}"`;
}

export interface Validators {
  /** Hex hash of the bytes, as given to `entityTag`. */
  readonly hex: string;
  /** Modification time, in milliseconds. */
  readonly mtimeMs: number;
}

/**
 * True when the request's validators show the client's copy is current (answer 304). When
 * If-None-Match is present, If-Modified-Since is ignored, as §13.2.2 requires.
 */
export function notModified(ifNoneMatch: string | undefined, ifModifiedSince: string | undefined, v: Validators): boolean {
  if (ifNoneMatch !== undefined) return matchesAny(ifNoneMatch, v.hex);
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  if (Number.isNaN(since)) return false;
  // HTTP dates have whole seconds: compare at that resolution.
  return Math.floor(v.mtimeMs / 1000) * 1000 <= since;
}

function matchesAny(header: string, hex: string): boolean {
  if (header.trim() === '*') return true;
  for (const raw of header.split(',')) {
    let tag = raw.trim();
    if (tag.startsWith('W/')) tag = tag.slice(2);
    if (tag.length < 2 || tag[0] !== '"' || tag[tag.length - 1] !== '"') continue;
    const opaque = tag.slice(1, -1);
    if (opaque === hex || opaque === `${hex}${SUFFIX.br}` || opaque === `${hex}${SUFFIX.gzip}`) return true;
  }
  return false;
}
