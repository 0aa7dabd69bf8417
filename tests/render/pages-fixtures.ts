// Small factories for page tests: fixed dates, fresh objects every call, the real templates.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Article, Site, Tag } from '../../src/model/index.js';
import { BUILTIN_TEMPLATES_DIR, loadTemplates } from '../../src/output/load-templates.js';
import { createPageRenderer, type PageRenderer } from '../../src/render/pages.js';

export const SITE_URL = 'https://news.example.org/';

export function makeSite(overrides: Partial<Site> = {}): Site {
  return {
    title: 'Example News',
    url: SITE_URL,
    description: 'News from the example desk',
    language: 'en',
    timezone: 'Europe/Berlin',
    author: { name: 'The Desk', email: 'desk@example.org' },
    id: SITE_URL,
    feedLimit: 50,
    indexLimit: 30,
    ...overrides,
  };
}

export function tag(name: string, slug = name.toLowerCase().replace(/\s+/g, '-')): Tag {
  return { name, slug };
}

/** Article `n` is dated n days after 2026-01-01 08:00 UTC; never updated unless told. */
export function makeArticle(n: number, overrides: Partial<Article> = {}): Article {
  const slug = overrides.slug ?? `article-${n}`;
  const date = overrides.date ?? new Date(Date.UTC(2026, 0, 1 + n, 8, 0, 0));
  return {
    sourcePath: `content/${slug}.md`,
    slug,
    id: `tag:news.example.org,2026:${slug}`,
    title: `Article number ${n}`,
    date,
    updated: date,
    dateSource: 'front-matter',
    authors: [{ name: 'Ada Lovelace', url: 'https://ada.example.org/' }],
    summary: `Summary of article ${n}.`,
    tags: [tag('World'), tag('Science')],
    url: `${SITE_URL}articles/${encodeURIComponent(slug)}/`,
    html: `<p>Body of article ${n} with <a href="${SITE_URL}articles/other/">a link</a>.</p>`,
    draft: false,
    extra: {},
    ...overrides,
  };
}

let shared: PageRenderer | undefined;

/** A renderer over Gazette's own templates/ folder (the example site's templates). */
export async function builtinRenderer(): Promise<PageRenderer> {
  shared ??= createPageRenderer(await loadTemplates(BUILTIN_TEMPLATES_DIR));
  return shared;
}

const tempDirs: string[] = [];

/** A private copy of the built-in templates that a test may edit; removed by removeTemplateCopies. */
export function copyTemplates(): string {
  const root = mkdtempSync(join(tmpdir(), 'gazette-templates-'));
  tempDirs.push(root);
  const dir = join(root, 'templates');
  cpSync(BUILTIN_TEMPLATES_DIR, dir, { recursive: true });
  return dir;
}

export function removeTemplateCopies(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function text(content: string | Uint8Array): string {
  return typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
}

/** Every `<tag …>` start tag of that name, as attribute maps (values HTML-unescaped). */
export function startTags(html: string, name: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const m of html.matchAll(new RegExp(`<${name}\\b([^>]*)>`, 'gi'))) {
    const attrs: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/([\w:-]+)(?:="([^"]*)")?/g)) attrs[a[1]!.toLowerCase()] = unescapeHtml(a[2] ?? '');
    found.push(attrs);
  }
  return found;
}

export function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
