/** Which tags the site has and how many articles carry each: the input of the tags index page. */
import type { Article, Tag } from '../model/index.js';

export interface TagCount {
  readonly tag: Tag;
  readonly count: number;
}

/**
 * Every tag of `articles` once, keyed by slug. Two spellings of one slug ("AI", "ai") show the
 * alphabetically first, so the result never depends on the order articles were loaded in.
 * Sorted by slug; the tags page sorts for display in the site's language.
 */
export function countTags(articles: readonly Article[]): TagCount[] {
  const bySlug = new Map<string, { tag: Tag; count: number }>();
  for (const article of articles) {
    const counted = new Set<string>();
    for (const tag of article.tags) {
      // An article lists a tag once as far as counting goes, even if front matter repeats it.
      if (counted.has(tag.slug)) continue;
      counted.add(tag.slug);
      const seen = bySlug.get(tag.slug);
      if (!seen) bySlug.set(tag.slug, { tag, count: 1 });
      else {
        seen.count += 1;
        if (tag.name < seen.tag.name) seen.tag = tag;
      }
    }
  }
  return [...bySlug.values()].sort((a, b) => (a.tag.slug < b.tag.slug ? -1 : a.tag.slug > b.tag.slug ? 1 : 0));
}
