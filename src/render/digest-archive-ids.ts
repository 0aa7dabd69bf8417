/**
 * Identifiers of the digest archive's feeds. They are derived from the site's feed id
 * (`site.id`, which the operator keeps when moving the site) and the digest id, never from URLs,
 * so a reader never sees a digest twice because the site moved.
 */
import { createHash } from 'node:crypto';

/** RFC 4122 Appendix C name space for URLs: the names hashed here are URIs. */
const URL_NAMESPACE = '6ba7b8119dad11d180b400c04fd430c8';

/** A name-based UUID (version 5, RFC 4122 §4.3): the same name always gives the same UUID. */
function uuidV5(name: string): string {
  const bytes = createHash('sha1').update(Buffer.from(URL_NAMESPACE, 'hex')).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A digest's GUID in the archive feeds: `urn:uuid:` of "gazette:digest:<site id>:<digest id>".
 * Digest ids hold no ":", so the name is unambiguous.
 */
export function digestGuid(siteId: string, digestId: string): string {
  return `urn:uuid:${uuidV5(`gazette:digest:${siteId}:${digestId}`)}`;
}

/**
 * The archive feeds' Atom id, distinct from the site's and every tag's: a path under a site id
 * that ends in "/", else a fragment (or a deeper fragment when the id already has one), as for tags.
 */
export function digestArchiveFeedId(siteId: string): string {
  if (siteId.endsWith('/')) return `${siteId}digests/`;
  return siteId.includes('#') ? `${siteId}/digests` : `${siteId}#digests`;
}
