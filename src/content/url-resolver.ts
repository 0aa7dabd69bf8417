/**
 * Every URL in an article is made absolute once, here, when content is loaded: a feed reader or a
 * mail client has no base URL to resolve against.
 *
 *   "/x"       → site.url + "x" (the site's path prefix is kept: "/x" on https://h/blog/ → https://h/blog/x)
 *   "x", "../y", "?q", "#f", "" → against the article's own page URL
 *   "//h/x"    → https://h/x
 *   "scheme:…" → kept when the scheme is safe; javascript:, vbscript:, data:, file: … are refused
 *
 * Both ways a body is rendered (markdown-it alone, and markdown-it + sanitize-html for raw HTML)
 * resolve through this function, after markdown-it's own percent-encoding, so the same link gives
 * the same URL whichever way it was written.
 */
import { MarkdownIt } from './markdown-it.js';

/** Returns the absolute URL, or undefined when the URL is unsafe or cannot be parsed. */
export type UrlResolver = (raw: string) => string | undefined;

export const SAFE_PROTOCOLS: ReadonlySet<string> = new Set([
  'http:', 'https:', 'mailto:', 'tel:', 'sms:', 'ftp:', 'sftp:', 'xmpp:', 'irc:', 'ircs:', 'magnet:',
  'geo:', 'webcal:', 'news:', 'nntp:',
]);

// markdown-it's link normaliser (percent-encoding, punycode) is a pure function of its argument;
// markdown-it 14 sets it on each instance, so one instance of our own lends it.
const normalizer = new MarkdownIt();
const normalizeLink = (url: string): string => normalizer.normalizeLink(url);

export function createUrlResolver(siteUrl: string, pageUrl: string): UrlResolver {
  return (raw) => {
    let href = normalizeLink(raw.trim());
    let base = pageUrl;
    if (href.startsWith('//')) href = `https:${href}`;
    else if (href.startsWith('/')) {
      href = href.replace(/^\/+/, '');
      base = siteUrl;
    }
    let url: URL;
    try {
      url = new URL(href, base);
    } catch {
      return undefined;
    }
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
  };
}

export function isHttpUrl(url: string): boolean {
  return url.startsWith('https://') || url.startsWith('http://');
}
