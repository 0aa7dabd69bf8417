// Small factories for feed tests: fixed dates, fresh objects every call.
import type { Article } from '../../src/model/index.js';
import { SITE_URL, tag } from './pages-fixtures.js';

// The site and tags are the page tests' own; only the articles differ (see makeArticle).
export { SITE_URL, makeSite, tag } from './pages-fixtures.js';

/** Article `n` is dated n days after 2026-01-01 08:00 UTC, updated two hours later. */
export function makeArticle(n: number, overrides: Partial<Article> = {}): Article {
  const slug = overrides.slug ?? `article-${n}`;
  const date = new Date(Date.UTC(2026, 0, 1 + n, 8, 0, 0));
  return {
    sourcePath: `content/${slug}.md`,
    slug,
    id: `tag:news.example.org,2026:${slug}`,
    title: `Article number ${n}`,
    date,
    updated: new Date(date.getTime() + 2 * 3600_000),
    dateSource: 'front-matter',
    authors: [{ name: 'Ada Lovelace', email: 'ada@example.org', url: 'https://ada.example.org/' }],
    summary: `Summary of article ${n}.`,
    tags: [tag('World'), tag('Science')],
    url: `${SITE_URL}articles/${encodeURIComponent(slug)}/`,
    html: `<p>Body of article ${n} with <a href="${SITE_URL}articles/other/">a link</a>.</p>`,
    draft: false,
    extra: {},
    ...overrides,
  };
}

/** Articles 1..count, newest first (as the build passes them). */
export function makeArticles(count: number, overrides: (n: number) => Partial<Article> = () => ({})): Article[] {
  return Array.from({ length: count }, (_, i) => makeArticle(count - i, overrides(count - i)));
}
