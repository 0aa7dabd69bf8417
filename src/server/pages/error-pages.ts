/**
 * Error pages for people: what happened and what to do, in the site's look. No stack traces and no
 * internals, ever — those go to the operator's log.
 */
import { renderPage, type Page, type PageSite } from './page-layout.js';

/** `root` is the relative way back to the site root from the requested URL (see `rootFor`). */
export function notFoundPage(site: PageSite, root: string): Page {
  const body = `<p>There is nothing at this address. It may have moved, or the link may be mistyped.</p>
<p><a href="${root}">Go to the home page</a></p>`;
  return { status: 404, html: renderPage(site, root, 'Page not found', body) };
}

export function tooManyRequestsPage(site: PageSite, root: string, retryAfterSeconds: number): Page {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  const body = `<p>There have been too many requests from your network in a short time. Please try again in
${minutes === 1 ? 'a minute' : `${minutes} minutes`}.</p>`;
  return { status: 429, html: renderPage(site, root, 'Please wait a moment', body) };
}

/** 400, 405, 413, 415, 500, 503: a short title and one sentence each. */
export function errorPage(site: PageSite, root: string, status: number): Page {
  const [title, text] = ERRORS[status] ?? ERRORS[500]!;
  return { status: ERRORS[status] ? status : 500, html: renderPage(site, root, title, `<p>${text}</p>\n<p><a href="${root}">Go to the home page</a></p>`) };
}

const ERRORS: Record<number, readonly [string, string]> = {
  400: ['Bad request', 'The request could not be understood. If you sent a form, please go back and try again.'],
  405: ['Not allowed', 'This address cannot be used that way.'],
  413: ['Too much data', 'What was sent is too large. Please go back and shorten it.'],
  415: ['Unsupported form', 'The form was sent in a format this server does not accept.'],
  500: ['Something went wrong', 'The server could not complete the request. Please try again later.'],
  503: ['Temporarily unavailable', 'The server is restarting or busy. Please try again in a moment.'],
};

/**
 * "../../" for /a/b/c, "./" for /x: relative links from an error page must work at any depth, and
 * the site may live under a sub-path behind a proxy.
 */
export function rootFor(urlPath: string): string {
  const depth = Math.max(0, (urlPath.match(/\//g)?.length ?? 1) - 1);
  return depth === 0 ? './' : '../'.repeat(Math.min(depth, 32));
}
