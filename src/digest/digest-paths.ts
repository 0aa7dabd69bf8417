/**
 * Where a digest's web version lives under out/, and its URL. A digest id becomes a folder name, so
 * it is held to the shared digest id rule (`isDigestId`): safe in a path and a URL, never "." or "..".
 */
import { isDigestId } from '../model/index.js';

export function checkDigestId(id: string): string {
  if (!isDigestId(id)) {
    throw new RangeError(`digest id "${id}" must be 1-128 letters, digits, ".", "-" or "_", starting with a letter or digit`);
  }
  return id;
}

/** Relative to out/: `digests/<id>/index.html`. */
export function digestPath(id: string): string {
  return `digests/${checkDigestId(id)}/index.html`;
}

/** Absolute URL of the web version ("view in browser"). */
export function digestUrl(siteUrl: string, id: string): string {
  return new URL(`digests/${checkDigestId(id)}/`, siteUrl).href;
}
