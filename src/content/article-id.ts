/**
 * Article GUIDs. An explicit `id` must be an absolute URI, because every feed format requires one
 * (Atom `<id>` is an IRI). Otherwise the id is a name-based UUID (v5, RFC 4122 §4.3) of the slug
 * alone: it survives rebuilds, machines and a change of the site's URL.
 */
import { createHash } from 'node:crypto';

/** RFC 4122 Appendix C name space for URLs; the names hashed here are URIs ("gazette:article:…"). */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** scheme ":" rest, without whitespace (RFC 3986 §3.1 scheme). */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

export function isAbsoluteUri(text: string): boolean {
  return ABSOLUTE_URI.test(text);
}

export function uuidV5(name: string, namespace: string = URL_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function defaultArticleId(slug: string): string {
  return `urn:uuid:${uuidV5(`gazette:article:${slug}`)}`;
}
