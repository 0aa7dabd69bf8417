/**
 * The one configured markdown-it: CommonMark + GFM tables and strikethrough, linkify, footnotes and
 * task lists, raw HTML allowed (and sanitised afterwards, see sanitize-body.ts).
 *
 * Links and images are made absolute by renderer rules, reading the article's resolver from the
 * render env, so markdown without raw HTML is safe and final straight out of markdown-it.
 * Task-list checkboxes become the characters ☐ / ☑: feed readers and mail clients drop form
 * controls (and the tick with them), while a character survives everywhere.
 */
import type { RendererRule, Token } from 'markdown-it';
import { footnote, MarkdownIt, taskLists } from './markdown-it.js';
import type { UrlResolver } from './url-resolver.js';

/** The render env markdown-it passes through to every rule (typed `any` by its declarations). */
type Env = Record<string, unknown>;

export interface RenderEnv extends Env {
  readonly resolve: UrlResolver;
  /** Absolute URL of the article page: the base of "#fragment" links such as footnotes. */
  readonly pageUrl: string;
  /** Prefix for footnote ids, so two articles on one page never share an id. */
  readonly docId: string;
}

export const markdown = new MarkdownIt({ html: true, linkify: true, typographer: false, xhtmlOut: true });
markdown.use(taskLists).use(footnote);
// Every link is parsed as a link; the renderer rules below drop an unsafe href/src (leaving
// `<a>text</a>`), exactly as sanitize-html does for raw HTML, instead of showing the Markdown source.
markdown.validateLink = () => true;

const CHECKBOX = /^<input class="task-list-item-checkbox"( checked="")?/;

/** Replaces the plugin's `<input>` (an html_inline token) by a token of our own. */
markdown.core.ruler.push('gazette_task_checkbox', (state) => {
  const tokens = state.tokens;
  for (let i = 2; i < tokens.length; i++) {
    const inline = tokens[i]!;
    const item = tokens[i - 2]!;
    const first = inline.children?.[0];
    if (inline.type !== 'inline' || item.type !== 'list_item_open' || first?.type !== 'html_inline') continue;
    if (!String(item.attrGet('class') ?? '').startsWith('task-list-item')) continue;
    const m = CHECKBOX.exec(first.content);
    if (!m) continue;
    const box = new state.Token('task_checkbox', '', 0);
    box.meta = { checked: m[1] !== undefined };
    inline.children![0] = box;
  }
});

function renderEnv(env: Env | undefined): RenderEnv {
  if (!env || typeof env['resolve'] !== 'function' || typeof env['pageUrl'] !== 'string') {
    throw new TypeError('markdown rendered without a RenderEnv');
  }
  return env as RenderEnv;
}

function absolutise(token: Token, attr: string, env: RenderEnv): void {
  const value = token.attrGet(attr);
  if (value === null) return;
  const absolute = env.resolve(String(value));
  if (absolute === undefined) token.attrs = token.attrs?.filter(([name]) => name !== attr) ?? null;
  else token.attrSet(attr, absolute);
}

const rules = markdown.renderer.rules;
const renderDefault: RendererRule = (tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options);
const linkOpen = rules.link_open ?? renderDefault;
const image = rules.image ?? renderDefault;
const footnoteRef = rules.footnote_ref!;
const footnoteAnchor = rules.footnote_anchor!;
const escapeHtml = markdown.utils.escapeHtml;

rules.link_open = (tokens, idx, options, env, self) => {
  absolutise(tokens[idx]!, 'href', renderEnv(env));
  return linkOpen(tokens, idx, options, env, self);
};
rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  absolutise(token, 'src', renderEnv(env));
  // An image whose URL was unsafe shows as its description: an img without src is not HTML.
  if (token.attrGet('src') === null) return escapeHtml(self.renderInlineAsText(token.children ?? [], options, env));
  return image(tokens, idx, options, env, self);
};
// The footnote plugin writes href="#fn1"; a feed item has no page to be relative to.
const withPageUrl = (rule: RendererRule): RendererRule => (tokens, idx, options, env, self) =>
  rule(tokens, idx, options, env, self).replace('href="#', `href="${escapeHtml(renderEnv(env).pageUrl)}#`);
rules.footnote_ref = withPageUrl(footnoteRef);
rules.footnote_anchor = withPageUrl(footnoteAnchor);
rules.task_checkbox = (tokens, idx) => ((tokens[idx]!.meta as { checked: boolean }).checked ? '☑' : '☐');
