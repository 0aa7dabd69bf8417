/**
 * Sanitises a body that contains raw HTML. Only bodies with html_block/html_inline tokens come here:
 * sanitize-html costs far more than markdown-it, and markdown-it's own output is already safe.
 *
 * The allow-list covers everything markdown-it and its plugins emit, plus harmless HTML authors
 * write by hand (figure, details, picture, video, audio …). Never allowed: script, style, iframe,
 * object, embed, form controls, svg/math, event handlers, style (except text-align on table cells,
 * which markdown-it itself writes). URLs in href/src/srcset/poster/cite go through the same
 * resolver as markdown links, so they come out absolute, and unsafe schemes are dropped.
 */
import { createRequire } from 'node:module';
import type sanitizeHtml from 'sanitize-html';
import { SAFE_PROTOCOLS, type UrlResolver } from './url-resolver.js';

// sanitize-html (htmlparser2, postcss …) takes ~50 ms to load, and most bodies never need it:
// it is loaded on the first body that has raw HTML (synchronously: parsing is synchronous).
const loadCommonJs = createRequire(import.meta.url);
let loaded: { sanitize: typeof sanitizeHtml; options: sanitizeHtml.IOptions } | undefined;

function sanitizer(): { sanitize: typeof sanitizeHtml; options: sanitizeHtml.IOptions } {
  if (!loaded) {
    const sanitize = loadCommonJs('sanitize-html') as typeof sanitizeHtml;
    loaded = { sanitize, options: options(sanitize.defaults.allowedTags, sanitize.defaults.selfClosing) };
  }
  return loaded;
}

const URL_ATTRIBUTES = ['href', 'src', 'poster', 'cite'] as const;
const ALIGN = { 'text-align': [/^(?:left|right|center|justify)$/] };

const options = (defaultTags: readonly string[], voidTags: readonly string[]): sanitizeHtml.IOptions => ({
  allowedTags: [
    ...defaultTags,
    'img', 'picture', 'source', 'video', 'audio', 'track', 'del', 'ins', 'details', 'summary',
  ],
  allowedAttributes: {
    '*': ['id', 'title', 'lang', 'dir'],
    a: ['href', 'name', 'hreflang', 'type'],
    img: ['src', 'srcset', 'sizes', 'alt', 'width', 'height', 'loading', 'decoding'],
    picture: [],
    source: ['src', 'srcset', 'sizes', 'type', 'media'],
    video: ['src', 'poster', 'controls', 'width', 'height', 'loop', 'muted', 'playsinline', 'preload'],
    audio: ['src', 'controls', 'loop', 'muted', 'preload'],
    track: ['src', 'kind', 'srclang', 'label', 'default'],
    ol: ['start', 'reversed', 'type'],
    li: ['value'],
    th: ['colspan', 'rowspan', 'scope', 'headers', 'style'],
    td: ['colspan', 'rowspan', 'headers', 'style'],
    col: ['span'],
    colgroup: ['span'],
    time: ['datetime'],
    data: ['value'],
    blockquote: ['cite'],
    q: ['cite'],
    del: ['cite', 'datetime'],
    ins: ['cite', 'datetime'],
    details: ['open'],
  },
  allowedClasses: {
    code: ['language-*'],
    ul: ['contains-task-list'],
    ol: ['footnotes-list'],
    li: ['task-list-item', 'footnote-item'],
    sup: ['footnote-ref'],
    a: ['footnote-backref'],
    hr: ['footnotes-sep'],
    section: ['footnotes'],
  },
  allowedStyles: { th: ALIGN, td: ALIGN },
  allowedSchemes: [...SAFE_PROTOCOLS].map((p) => p.slice(0, -1)),
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: [...URL_ATTRIBUTES],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Void elements: written without an end tag (an end tag such as </source> is an HTML error).
  selfClosing: [...voidTags, 'source', 'track', 'col', 'wbr'],
  // Elements whose text content must go with them, not be left behind as visible text.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'title', 'xmp', 'noembed', 'noframes'],
  // markdown-it escapes " in text too; doing the same keeps both render paths byte-identical.
  textFilter: (text) => text.replace(/"/g, '&quot;'),
});

export function sanitizeBody(html: string, resolve: UrlResolver): string {
  const { sanitize, options: base } = sanitizer();
  return sanitize(html, {
    ...base,
    transformTags: {
      '*': (tagName, attribs) => ({ tagName, attribs: absoluteAttributes(attribs, resolve) }),
      img: (tagName, attribs) => ({ tagName, attribs: validImage(absoluteAttributes(attribs, resolve)) }),
    },
    // An image left without its URL (an unsafe one was dropped), or a source without any, shows nothing.
    exclusiveFilter: (frame) => (frame.tag === 'img' && !frame.attribs['src']) || (frame.tag === 'source' && !frame.attribs['src'] && !frame.attribs['srcset']),
  });
}

/**
 * HTML requires src and alt on every img: one written without alt gets alt="" (as Markdown's
 * ![](x) does), and one with only a srcset gets its first candidate as src (the fallback browsers
 * without srcset use). One left with neither is dropped by exclusiveFilter.
 */
function validImage(attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes {
  const src = attribs['src'] ?? attribs['srcset']?.split(/\s/, 1)[0];
  return { ...attribs, ...(src ? { src } : {}), alt: attribs['alt'] ?? '' };
}

function absoluteAttributes(attribs: sanitizeHtml.Attributes, resolve: UrlResolver): sanitizeHtml.Attributes {
  const out: sanitizeHtml.Attributes = { ...attribs };
  for (const name of URL_ATTRIBUTES) {
    const value = out[name];
    if (value === undefined) continue;
    const absolute = resolve(value);
    if (absolute === undefined) delete out[name];
    else out[name] = absolute;
  }
  if (out['srcset'] !== undefined) {
    const srcset = absoluteSrcset(out['srcset'], resolve);
    if (srcset === '') delete out['srcset'];
    else out['srcset'] = srcset;
  }
  return out;
}

/** "a.png 1x, /b.png 2x" → absolute candidates; unsafe ones are left out (HTML §4.8.4.3.1 parsing). */
function absoluteSrcset(srcset: string, resolve: UrlResolver): string {
  const candidates: string[] = [];
  let i = 0;
  while (i < srcset.length) {
    while (i < srcset.length && /[\s,]/.test(srcset[i]!)) i++;
    const start = i;
    while (i < srcset.length && !/\s/.test(srcset[i]!)) i++;
    let url = srcset.slice(start, i);
    let descriptor = '';
    if (url.endsWith(',')) url = url.replace(/,+$/, '');
    else {
      const end = srcset.indexOf(',', i);
      descriptor = srcset.slice(i, end === -1 ? srcset.length : end).trim();
      i = end === -1 ? srcset.length : end + 1;
    }
    if (url === '') continue;
    const absolute = resolve(url);
    if (absolute !== undefined) candidates.push(descriptor ? `${absolute} ${descriptor}` : absolute);
  }
  return candidates.join(', ');
}
