/**
 * A Markdown body → sanitised HTML with absolute URLs, plus the plain text that titles and
 * summaries are derived from. sanitize-html only runs when the author wrote raw HTML.
 */
import type { Token } from 'markdown-it';
import { collapseWhitespace } from './inline-text.js';
import { markdown, type RenderEnv } from './markdown-engine.js';
import { sanitizeBody } from './sanitize-body.js';
import type { UrlResolver } from './url-resolver.js';
import { stripNonXmlChars } from './xml-chars.js';

/** Plain text of one block, with its line in the file. */
export interface TextBlock {
  readonly text: string;
  readonly line: number;
}

export interface MarkdownBody {
  readonly html: string;
  /** A leading `# Heading`, removed from the html; only looked for when `takeHeading` is set. */
  readonly heading?: TextBlock;
  /** The first two paragraphs that have text, for derived titles and summaries. */
  readonly paragraphs: readonly TextBlock[];
}

export interface MarkdownOptions {
  readonly resolve: UrlResolver;
  readonly pageUrl: string;
  readonly docId: string;
  readonly takeHeading: boolean;
  /** Line in the file where the body starts (after front matter). */
  readonly firstLine: number;
}

export function renderMarkdown(source: string, opts: MarkdownOptions): MarkdownBody {
  const env: RenderEnv = { resolve: opts.resolve, pageUrl: opts.pageUrl, docId: opts.docId };
  const tokens = markdown.parse(source, env);
  const lineOf = (t: Token): number => opts.firstLine + (t.map?.[0] ?? 0);

  let heading: TextBlock | undefined;
  const open = tokens[0];
  if (opts.takeHeading && open?.type === 'heading_open' && open.tag === 'h1') {
    const text = inlineText(tokens[1]);
    if (text !== '') {
      heading = { text, line: lineOf(open) };
      tokens.splice(0, 3);
    }
  }

  let html = markdown.renderer.render(tokens, markdown.options, env);
  if (hasRawHtml(tokens)) html = sanitizeBody(html, opts.resolve);
  html = stripNonXmlChars(html);
  return { html, paragraphs: firstParagraphs(tokens, lineOf), ...(heading ? { heading } : {}) };
}

function hasRawHtml(tokens: readonly Token[]): boolean {
  return tokens.some(
    (t) => t.type === 'html_block' || (t.type === 'inline' && t.children?.some((c) => c.type === 'html_inline')),
  );
}

/** Top-level paragraphs first; a body of only lists, quotes or tables falls back to any text. */
function firstParagraphs(tokens: readonly Token[], lineOf: (t: Token) => number): TextBlock[] {
  const pick = (accept: (open: Token) => boolean): TextBlock[] => {
    const found: TextBlock[] = [];
    for (let i = 1; i < tokens.length && found.length < 2; i++) {
      const open = tokens[i - 1]!;
      if (tokens[i]!.type !== 'inline' || !accept(open)) continue;
      const text = inlineText(tokens[i]);
      if (text !== '') found.push({ text, line: lineOf(open) });
    }
    return found;
  };
  const top = pick((open) => open.type === 'paragraph_open' && open.level === 0);
  return top.length > 0 ? top : pick(() => true);
}

/** What a reader sees of an inline run, as plain text: no markup, images, footnote marks. */
function inlineText(token: Token | undefined): string {
  let text = '';
  for (const child of token?.children ?? []) {
    if (child.type === 'text' || child.type === 'code_inline') text += child.content;
    else if (child.type === 'softbreak' || child.type === 'hardbreak') text += ' ';
  }
  return collapseWhitespace(text);
}
