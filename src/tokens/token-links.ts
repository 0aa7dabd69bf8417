/**
 * The links that carry tokens, made in one place so the emails, the digest and the HTTP server
 * agree on their shape. Paths are relative to the site URL, so a site under a sub-path
 * (https://example.org/news/) gets https://example.org/news/api/unsubscribe.
 */
import { CONFIRM_TOKEN_TTL_MS, signToken, type TokenSecret } from './token.js';

export const UNSUBSCRIBE_PATH = 'api/unsubscribe';
export const CONFIRM_PATH = 'api/confirm';

/** Never expires: a link in a years-old email still unsubscribes. */
export function unsubscribeUrl(siteUrl: string, secret: TokenSecret, subscriber: string): string {
  return tokenUrl(siteUrl, UNSUBSCRIBE_PATH, signToken(secret, { purpose: 'unsubscribe', subscriber }));
}

/** Valid for CONFIRM_TOKEN_TTL_MS from `now`. */
export function confirmUrl(siteUrl: string, secret: TokenSecret, subscriber: string, now: Date): string {
  const expiresAt = new Date(now.getTime() + CONFIRM_TOKEN_TTL_MS);
  return tokenUrl(siteUrl, CONFIRM_PATH, signToken(secret, { purpose: 'confirm', subscriber, expiresAt }));
}

function tokenUrl(siteUrl: string, path: string, token: string): string {
  const url = new URL(path, siteUrl.endsWith('/') ? siteUrl : `${siteUrl}/`);
  // base64url needs no escaping; building the query by hand keeps the token byte-identical.
  return `${url.href}?token=${token}`;
}
