/**
 * The archive: every published article, by month in the site's time zone. The home page shows
 * only the newest few (`site.indexLimit`), so a site of ten thousand articles keeps a light home
 * page, and editing one article renders again only its month's page, not a list of everything.
 */
import type { Article, Site } from '../model/index.js';
import { localMonth, monthKey } from './page-dates.js';

export interface MonthGroup {
  /** "YYYY-MM", in the site's zone. */
  readonly month: string;
  /** Newest first. */
  readonly articles: readonly Article[];
}

export interface MonthCount {
  readonly month: string;
  readonly count: number;
}

/**
 * `articles` (newest first, as the build sorts them) by month, newest month first. Articles keep
 * their order within a month.
 */
export function groupByMonth(site: Site, articles: readonly Article[]): MonthGroup[] {
  const months = new Map<number, Article[]>();
  for (const article of articles) {
    const month = localMonth(article.date, site.timezone);
    const list = months.get(month);
    if (list) list.push(article);
    else months.set(month, [article]);
  }
  return [...months].sort(([a], [b]) => b - a).map(([month, list]) => ({ month: monthKey(month), articles: list }));
}
