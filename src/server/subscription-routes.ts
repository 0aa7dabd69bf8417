/**
 * /api/*: subscribe, confirm, unsubscribe. Registered in its own Fastify context, so its body
 * parsers, rate limits and error pages never touch the static files.
 *
 *   POST /api/subscribe           form: email (required), name (optional) → "check your inbox"
 *   GET  /api/subscribe           the form (a reload or bookmark of the answer page)
 *   GET  /api/confirm?token=…     activates → "you are subscribed"
 *   GET  /api/unsubscribe?token=… a page with a button; changes nothing (scanners prefetch GETs)
 *   POST /api/unsubscribe?token=… RFC 8058 one-click: unsubscribes, 200, no redirect, no cookie
 *
 * Bodies: urlencoded or multipart, at most BODY_LIMIT bytes. Rate limits: per client IP for each
 * group of routes (subscribe is the tight one: it sends mail); per address in the service.
 */
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Site } from '../model/index.js';
import { parseEmailAddress } from '../subscribers/email-address.js';
import { normalizeName } from '../subscribers/subscriber-name.js';
import { sendPage } from './page-reply.js';
import { errorPage, tooManyRequestsPage } from './pages/error-pages.js';
import {
  checkInboxPage,
  confirmedPage,
  expiredLinkPage,
  invalidLinkPage,
  subscribePage,
  subscriptionsOffPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from './pages/subscription-pages.js';
import type { SubscriptionService } from './subscription-service.js';

export const BODY_LIMIT = 8 * 1024;

export interface RouteLimit {
  /** Requests allowed per client IP per window. */
  readonly max: number;
  readonly windowMs: number;
}

export interface RateLimits {
  /** POST /api/subscribe. Default 10 per 15 minutes. */
  readonly subscribe?: RouteLimit;
  /** confirm and unsubscribe, GET and POST together. Default 60 per minute. */
  readonly tokens?: RouteLimit;
}

export interface SubscriptionRoutesOptions {
  readonly site: Site;
  /** null: the site takes no email subscriptions; every route says so. */
  readonly subscriptions: SubscriptionService | null;
  readonly rateLimits?: RateLimits;
  /** Unexpected failures (5xx), for the operator's log. */
  readonly onError?: (error: Error) => void;
}

const ROOT = '../';

export async function subscriptionRoutes(app: FastifyInstance, options: SubscriptionRoutesOptions): Promise<void> {
  const { site, subscriptions } = options;
  const subscribeLimit = options.rateLimits?.subscribe ?? { max: 10, windowMs: 15 * 60 * 1000 };
  const tokenLimit = options.rateLimits?.tokens ?? { max: 60, windowMs: 60 * 1000 };

  await app.register(rateLimit, {
    global: false,
    // Each client gets its own numbers; the 429 page says how long to wait (error handler below).
    errorResponseBuilder: (_request, context) => Object.assign(new Error('rate limited'), { statusCode: 429, retryAfter: Math.ceil(context.ttl / 1000) }),
  });
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fieldNameSize: 100, fieldSize: 2048, fields: 10, files: 0, fileSize: 0, parts: 10, headerPairs: 20 },
  });

  // Multipart bodies are read by busboy, not by Fastify's parser, so bodyLimit does not see them:
  // refuse an announced oversize body up front; busboy's limits bound a chunked one.
  app.addHook('onRequest', async (request) => {
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > BODY_LIMIT) throw Object.assign(new Error('body too large'), { statusCode: 413 });
  });

  app.setErrorHandler((error: FastifyError & { retryAfter?: number }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 429) {
      const wait = error.retryAfter ?? 60;
      reply.header('retry-after', String(wait));
      return sendPage(reply, tooManyRequestsPage(site, ROOT, wait));
    }
    if (status >= 500) options.onError?.(error);
    return sendPage(reply, errorPage(site, ROOT, status >= 400 && status < 600 ? status : 500));
  });

  // One limiter per group, shared by the group's routes: GET and POST /unsubscribe and /confirm
  // count together (a per-route limit would let each method have its own allowance).
  const subscribeRoute = {
    onRequest: app.rateLimit({ max: subscribeLimit.max, timeWindow: subscribeLimit.windowMs }),
    bodyLimit: BODY_LIMIT,
  };
  const tokenRoute = {
    onRequest: app.rateLimit({ max: tokenLimit.max, timeWindow: tokenLimit.windowMs }),
    bodyLimit: BODY_LIMIT,
  };

  if (!subscriptions) {
    const off = async (_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => sendPage(reply, subscriptionsOffPage(site));
    app.get('/subscribe', off);
    app.post('/subscribe', subscribeRoute, off);
    app.get('/confirm', tokenRoute, off);
    app.get('/unsubscribe', tokenRoute, off);
    app.post('/unsubscribe', tokenRoute, off);
    return;
  }

  // A reload or a bookmark of the answer page: show the form rather than a 404.
  app.get('/subscribe', async (_request, reply) => sendPage(reply, subscribePage(site, {}, 'subscribe')));

  app.post('/subscribe', subscribeRoute, async (request, reply) => {
    const email = field(request.body, 'email');
    const name = field(request.body, 'name') ?? '';
    if (email === undefined || email.trim() === '') {
      return sendPage(reply, subscribePage(site, { name, error: 'Please enter your email address.' }, 'subscribe'));
    }
    const parsed = parseEmailAddress(email);
    if (!parsed.ok) {
      return sendPage(reply, subscribePage(site, { email, name, error: `That address cannot receive mail: ${parsed.reason}.` }, 'subscribe'));
    }
    await subscriptions.subscribe({ email: parsed.email, name: normalizeName(name), ip: request.ip });
    return sendPage(reply, checkInboxPage(site));
  });

  app.get('/confirm', tokenRoute, async (request, reply) => {
    const result = await subscriptions.confirm(tokenOf(request));
    if (result === 'confirmed') return sendPage(reply, confirmedPage(site));
    return sendPage(reply, result === 'expired' ? expiredLinkPage(site) : invalidLinkPage(site));
  });

  app.get('/unsubscribe', tokenRoute, async (request, reply) => {
    const token = tokenOf(request);
    const preview = await subscriptions.previewUnsubscribe(token);
    return sendPage(reply, preview.ok ? unsubscribeConfirmPage(site, token, preview.email) : invalidLinkPage(site));
  });

  // The one-click POST. The body is normally "List-Unsubscribe=One-Click"; the token alone decides,
  // since a POST is never a prefetch. No redirect and no cookie: mail providers do not follow them.
  app.post('/unsubscribe', tokenRoute, async (request, reply) => {
    const result = await subscriptions.unsubscribe(tokenOf(request));
    return sendPage(reply, result === 'unsubscribed' ? unsubscribedPage(site) : invalidLinkPage(site));
  });
}

/** One text field of a urlencoded or multipart body; a repeated field counts as absent. */
function field(body: unknown, name: string): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function tokenOf(request: FastifyRequest): string {
  const token = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof token === 'string' ? token : '';
}
