/**
 * Plain-text news copy (`.txt`): an optional "By A and B" byline as the first non-empty line, then
 * one paragraph per non-empty line. Text is escaped; web addresses written with their scheme
 * (https://…) and email addresses become links; bare names such as "Amazon.com" stay text.
 */
import { parseByline } from './byline.js';
import type { TextBlock } from './markdown-body.js';
import { markdown } from './markdown-engine.js';
import type { UrlResolver } from './url-resolver.js';

export interface PlainTextBody {
  readonly html: string;
  /** Authors named by the byline, when there is one. */
  readonly byline?: { readonly names: readonly string[]; readonly line: number };
  readonly paragraphs: readonly TextBlock[];
}

const escapeHtml = markdown.utils.escapeHtml;

export function renderPlainText(source: string, resolve: UrlResolver, firstLine: number): PlainTextBody {
  const paragraphs: TextBlock[] = [];
  let byline: PlainTextBody['byline'];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.replace(/\s+/gu, ' ').trim();
    if (text === '') continue;
    const line = firstLine + i;
    if (paragraphs.length === 0 && byline === undefined) {
      const names = parseByline(text);
      if (names) {
        byline = { names, line };
        continue;
      }
    }
    paragraphs.push({ text, line });
  }
  const html = paragraphs.map((p) => `<p>${linkified(p.text, resolve)}</p>\n`).join('');
  return { html, paragraphs, ...(byline ? { byline } : {}) };
}

function linkified(text: string, resolve: UrlResolver): string {
  const matches = markdown.linkify.test(text) ? (markdown.linkify.match(text) ?? []) : [];
  let html = '';
  let at = 0;
  for (const m of matches) {
    const href = resolve(m.url);
    if (href === undefined) continue;
    html += `${escapeHtml(text.slice(at, m.index))}<a href="${escapeHtml(href)}">${escapeHtml(m.raw)}</a>`;
    at = m.lastIndex;
  }
  return html + escapeHtml(text.slice(at));
}
