/** Small factories with fixed dates; every call returns fresh objects. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Article, Site } from '../../src/model/index.js';
import { renderDigest, type RenderDigestInput, type RenderedDigest } from '../../src/digest/index.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const NOW = new Date('2026-11-20T09:00:00Z');
export const SECRET = 'test-secret-0123456789abcdef-0123456789';

export function site(overrides: Partial<Site> = {}): Site {
  return {
    title: 'Example News',
    url: 'https://news.example.org/',
    description: 'News from Springfield',
    language: 'en',
    timezone: 'Europe/Berlin',
    id: 'https://news.example.org/',
    feedLimit: 50,
    indexLimit: 30,
    ...overrides,
  };
}

/** Article n, dated n hours before NOW. */
export function article(n: number, overrides: Partial<Article> = {}): Article {
  const date = new Date(NOW.getTime() - n * 3600_000);
  return {
    sourcePath: `content/article-${n}.md`,
    slug: `article-${n}`,
    id: `urn:gazette:article-${n}`,
    title: `The council approves library plan number ${n}`,
    date,
    updated: date,
    dateSource: 'front-matter',
    authors: [{ name: 'Ana Lima' }, { name: 'Ben Okafor' }],
    summary:
      'After a long debate, the town council voted to extend opening hours at the central library and to fund two new reading rooms in the northern districts.',
    tags: [{ name: 'Council', slug: 'council' }],
    url: `https://news.example.org/articles/article-${n}/`,
    html: '<p>Body</p>',
    draft: false,
    extra: {},
    ...overrides,
  };
}

export function withImage(a: Article): Article {
  return { ...a, image: `https://news.example.org/images/${a.slug}.jpg` };
}

export function defaultTemplate(): string {
  return readFileSync(join(ROOT, 'templates', 'digest.mjml'), 'utf8');
}

export function renderInput(overrides: Partial<RenderDigestInput> = {}): RenderDigestInput {
  return {
    site: site(),
    digestId: '7',
    createdAt: NOW,
    shown: [article(1), withImage(article(2)), article(3)],
    more: [],
    postalAddress: '1 Example Street, Springfield',
    subject: '{{ site.title }}: {{ count }} new {{ count | plural: "article", "articles" }}',
    templates: { mjml: { file: 'templates/digest.mjml', source: defaultTemplate() } },
    ...overrides,
  };
}

export function render(overrides: Partial<RenderDigestInput> = {}): Promise<RenderedDigest> {
  return renderDigest(renderInput(overrides));
}

/** Ten articles with summaries and images, three more beyond the cap. */
export function fullDigestInput(): Partial<RenderDigestInput> {
  return {
    shown: Array.from({ length: 10 }, (_, i) => withImage(article(i + 1))),
    more: [article(11), article(12), article(13)],
  };
}
