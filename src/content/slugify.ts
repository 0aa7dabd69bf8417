/**
 * Slugs for tags and articles: NFC, lowercase, any run of other characters → "-". Letters of
 * every script are kept ("Überblick" → "überblick"), and so are combining marks, without which
 * scripts such as Devanagari would be torn apart ("हिन्दी" stays whole).
 */

/** What an article slug must look like after lowercasing: a path segment, never "..", "/" or " ". */
export const SLUG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{M}\p{N}_-]*$/u;

/** A slug becomes a directory name: stay well under the 255-byte limit of common file systems. */
export const MAX_SLUG_BYTES = 200;

export function slugifyTag(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/** A file name stem as a slug: like a tag, but "_" is kept ("000_ba9c1d" stays as it is). */
export function slugifyStem(stem: string): string {
  return stem
    .toLowerCase()
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}_]+/gu, '-')
    .replace(/^[-_]+|-+$/g, '');
}

/** An explicit front-matter slug, normalised the way it will be compared and published. */
export function normaliseSlug(slug: string): string {
  return slug.trim().toLowerCase().normalize('NFC');
}

export function isValidSlug(slug: string): boolean {
  return SLUG_PATTERN.test(slug) && Buffer.byteLength(slug, 'utf8') <= MAX_SLUG_BYTES;
}

/** How a tag is spelled, ignoring case: "AI" and "ai" are one spelling, "C" and "C++" are not. */
export function tagSpelling(name: string): string {
  return name.toLowerCase().normalize('NFC');
}

/** The warning for two spellings that slugify to one tag page ("C++" and "C" → tags/c/). */
export function tagMergeMessage(first: string, second: string, slug: string, firstFile?: string): string {
  const where = firstFile === undefined ? '' : ` (in ${firstFile})`;
  return `tags "${first}"${where} and "${second}" both become tags/${slug}/: they are shown as one tag, with one page and one set of feeds; rename one to keep them apart`;
}
