/**
 * The content model: plain, typed, immutable data. Nothing here imports anything of ours or of
 * Node's; `content/` produces these values and `render/` consumes them.
 */

export interface Author {
  readonly name: string;
  readonly email?: string;
  readonly url?: string;
}

export interface Tag {
  /** As written in front matter, for display ("Machine Learning", "Überblick"). */
  readonly name: string;
  /** URL- and path-safe form, unique per site ("machine-learning", "überblick"). */
  readonly slug: string;
}

/** Where an article's publication date came from. */
export type DateSource = 'front-matter' | 'first-seen';

export interface Article {
  /** Path of the source file relative to the site root, with forward slashes ("content/a.md"). */
  readonly sourcePath: string;
  /** Unique per site; the article page lives at `articles/<slug>/`. */
  readonly slug: string;
  /**
   * Stable GUID used by every feed and by the digest ledger. The front-matter `id` when given,
   * otherwise derived from the slug alone, so moving the site's URL never changes it.
   */
  readonly id: string;
  /** Plain text: markup in titles is shown as text, never interpreted. */
  readonly title: string;
  readonly date: Date;
  /** `updated` from front matter, else equal to `date`. Never earlier than `date`. */
  readonly updated: Date;
  readonly dateSource: DateSource;
  readonly authors: readonly Author[];
  /** Plain text summary; from front matter or derived from the first paragraph. */
  readonly summary: string;
  readonly tags: readonly Tag[];
  /** Absolute URL. */
  readonly image?: string;
  /** Absolute URL of the canonical copy when it lives elsewhere. */
  readonly canonical?: string;
  /** Absolute URL of the article's page on this site. */
  readonly url: string;
  /** Sanitised HTML body with every link and image URL made absolute. */
  readonly html: string;
  readonly draft: boolean;
  /** Front-matter keys Gazette does not know, kept for templates. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/**
 * Newest first; equal dates fall back to the slug (unique per site) so the order never depends on
 * input order. The one order of the article list, the pages and the feeds.
 */
export function compareNewestFirst(a: Article, b: Article): number {
  return b.date.getTime() - a.date.getTime() || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
}
