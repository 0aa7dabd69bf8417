/** Small factories for content tests: fixed dates, fresh objects every call. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Site } from '../../src/model/index.js';
import { parseArticle, type ParsedArticle } from '../../src/content/index.js';
import type { GazetteError } from '../../src/errors.js';

export const NOW = new Date('2026-11-20T12:00:00Z');

export function makeSite(overrides: Partial<Site> = {}): Site {
  return {
    title: 'Example News',
    url: 'https://news.example.org/',
    description: 'Tests',
    language: 'en',
    timezone: 'UTC',
    id: 'https://news.example.org/',
    feedLimit: 50,
    indexLimit: 30,
    ...overrides,
  };
}

/** A Markdown file: front matter lines (without the dashes) and a body. */
export function markdownFile(frontMatter: string, body = 'Some text.\n'): string {
  return `---\n${frontMatter}\n---\n${body}`;
}

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function parse(
  text: string | Uint8Array,
  opts: { sourcePath?: string; site?: Site; firstSeen?: Date } = {},
): ParsedArticle {
  return parseArticle({
    sourcePath: opts.sourcePath ?? 'content/test-article.md',
    bytes: typeof text === 'string' ? bytes(text) : text,
    site: opts.site ?? makeSite(),
    ...(opts.firstSeen ? { firstSeen: opts.firstSeen } : {}),
  });
}

/** Body HTML of a Markdown article with a fixed title and date. */
export function bodyHtml(body: string, opts: { slug?: string; site?: Site } = {}): string {
  return parse(markdownFile(`title: T\ndate: 2026-01-01${opts.slug ? `\nslug: ${opts.slug}` : ''}`, body), opts).article.html;
}

/** Runs `fn`, expects a GazetteError and returns it. */
export function parseError(fn: () => unknown): GazetteError {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error && e.name === 'GazetteError') return e as GazetteError;
    throw e;
  }
  throw new Error('expected a GazetteError, but nothing was thrown');
}

export async function tempSite(files: Record<string, string | Uint8Array>): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'gazette-content-'));
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, path);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}
