/**
 * Article GUIDs. An explicit `id` must be an absolute URI, because every feed format requires one
 * (Atom `<id>` is an IRI). Otherwise the id is a name-based UUID (v5, RFC 4122 §4.3) of the slug
 * alone: it survives rebuilds, machines and a change of the site's URL.
 */
import { uuidV5 } from '../model/index.js';

/** scheme ":" rest, without whitespace (RFC 3986 §3.1 scheme). */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

export function isAbsoluteUri(text: string): boolean {
  return ABSOLUTE_URI.test(text);
}

export function defaultArticleId(slug: string): string {
  return `urn:uuid:${uuidV5(`gazette:article:${slug}`)}`;
}
