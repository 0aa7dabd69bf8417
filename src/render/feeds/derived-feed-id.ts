/**
 * The Atom id of a feed derived from the site's (a tag's, the digest archive's): distinct from the
 * site id and from every other derived feed, and still rooted in the id the operator keeps when
 * moving the site. A path under a site id that ends in "/", else a fragment (or a deeper fragment
 * when the id already has one). Changing this rule changes published feed ids.
 */
export function derivedFeedId(siteId: string, segment: string): string {
  if (siteId.endsWith('/')) return `${siteId}${segment}/`;
  return siteId.includes('#') ? `${siteId}/${segment}` : `${siteId}#${segment}`;
}
