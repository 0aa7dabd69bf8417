/**
 * A digest as the web archive shows it: what the digest row stored when the digest was made
 * (its web version, subject and time), plus the articles it showed, as they read now.
 * Built at the commands edge from the state store (src/commands/digest-archive.ts); plain data.
 */

/** One article a digest showed, for the archive feed's item body. */
export interface ArchivedDigestArticle {
  /** Plain text. */
  readonly title: string;
  /** Absolute URL of the article's page. */
  readonly url: string;
}

export interface ArchivedDigest {
  /** The digest's id: its folder under digests/ and part of its feed GUID. */
  readonly id: string;
  /** When the digest was made: the archive's date and the feed item's date. */
  readonly createdAt: Date;
  /** Plain text, as the email's Subject said it. */
  readonly subject: string;
  /** The web version ("view in browser") exactly as it was rendered: written to out/ unchanged. */
  readonly webHtml: string;
  /** Every article the digest covered: the ones it showed and its "and N more". */
  readonly articleCount: number;
  /** The shown articles still published, in the order shown; may be fewer than it showed. */
  readonly articles: readonly ArchivedDigestArticle[];
}
