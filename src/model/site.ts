import type { Author } from './article.js';

/** What every renderer needs to know about the site; derived once from the config. */
export interface Site {
  readonly title: string;
  /** Absolute, always ending in "/". */
  readonly url: string;
  readonly description: string;
  /** BCP 47 language tag ("en", "de-CH"). */
  readonly language: string;
  readonly author?: Author;
  /** IANA zone used for dates written without an offset, and for displaying dates. */
  readonly timezone: string;
  /** Stable identifier of the site's feeds (Atom `<id>`); defaults to the site URL. */
  readonly id: string;
  /** Most items per feed. */
  readonly feedLimit: number;
  /** Most articles on the home page (the monthly archive lists them all). */
  readonly indexLimit: number;
}
