import type { Article } from '../model/index.js';

/** Drafts never; everything else once its date has come. */
export function isPublished(article: Article, now: Date): boolean {
  return !article.draft && article.date.getTime() <= now.getTime();
}
