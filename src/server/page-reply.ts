/**
 * Sends one of the server's own HTML pages with the headers they all need. The pages carry tokens
 * in their URLs and answer personal actions, so: never cached, never framed, never sent as a
 * Referer to other sites, and a CSP that allows no script at all (the pages have none).
 */
import type { FastifyReply } from 'fastify';
import type { Page } from './pages/page-layout.js';

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex',
};

export function sendPage(reply: FastifyReply, page: Page): FastifyReply {
  return reply.code(page.status).headers(PAGE_HEADERS).send(page.html);
}
