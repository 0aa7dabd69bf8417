/**
 * Identifiers of the digest archive's feeds. They are derived from the site's feed id
 * (`site.id`, which the operator keeps when moving the site) and the digest id, never from URLs,
 * so a reader never sees a digest twice because the site moved.
 */
import { uuidV5 } from '../model/index.js';
import { derivedFeedId } from './feeds/derived-feed-id.js';

/**
 * A digest's GUID in the archive feeds: `urn:uuid:` of "gazette:digest:<site id>:<digest id>".
 * Digest ids hold no ":", so the name is unambiguous.
 */
export function digestGuid(siteId: string, digestId: string): string {
  return `urn:uuid:${uuidV5(`gazette:digest:${siteId}:${digestId}`)}`;
}

/**
 * The archive feeds' Atom id, distinct from the site's and every tag's ("tags/…" segments), by the
 * same rule as tag feeds.
 */
export function digestArchiveFeedId(siteId: string): string {
  return derivedFeedId(siteId, 'digests');
}
