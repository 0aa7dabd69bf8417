/**
 * The HTTP server of `gazette serve`, wired and not yet listening: static out/ at "/", the
 * subscription routes under /api, and the server's own pages where out/ has none (/subscribe/,
 * the 404 page). Pure wiring: every capability comes in through `ServerDeps`, so a test can start
 * it with `app.listen({ port: 0, host: '127.0.0.1' })` and talk to it with real requests.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Site } from '../model/index.js';
import { createFileCache, type FileCacheOptions } from './file-cache.js';
import { sendPage } from './page-reply.js';
import { errorPage, notFoundPage, rootFor } from './pages/error-pages.js';
import { subscribePage, subscriptionsOffPage } from './pages/subscription-pages.js';
import { pathOfTarget } from './request-path.js';
import { createStaticFiles } from './static-files.js';
import { BODY_LIMIT, subscriptionRoutes, type RateLimits } from './subscription-routes.js';
import type { SubscriptionService } from './subscription-service.js';

export interface ServerDeps {
  /** The built site. It may not exist yet: everything is then "not found" until a build. */
  readonly outDir: string;
  readonly site: Site;
  /** null or absent: the site takes no email subscriptions (no `email` section in the config). */
  readonly subscriptions?: SubscriptionService | null;
  readonly rateLimits?: RateLimits;
  /**
   * Whose X-Forwarded-For to believe for the client's IP (rate limits). Default "loopback": a
   * reverse proxy on the same machine — the usual setup, since the server binds 127.0.0.1 — is
   * believed, nobody else is. `false` believes nobody.
   */
  readonly trustProxy?: boolean | string | readonly string[];
  readonly cache?: FileCacheOptions;
  /** Unexpected failures (5xx), for the operator's log. Never shown to the client. */
  readonly onError?: (error: Error) => void;
}

const GET_HEAD = ['GET', 'HEAD'] as const;

export function createServer(deps: ServerDeps): FastifyInstance {
  const { site } = deps;
  const subscriptions = deps.subscriptions ?? null;
  const trustProxy = deps.trustProxy ?? 'loopback';
  const app = Fastify({
    logger: false,
    trustProxy: typeof trustProxy === 'object' ? [...trustProxy] : trustProxy,
    bodyLimit: BODY_LIMIT,
    // A client gets 30 s to send its request (slow-loris); answers may take as long as they need.
    requestTimeout: 30_000,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 2048 },
    // Malformed URLs (bad percent-encoding) get the site's 400 page, not Fastify's JSON.
    frameworkErrors: (error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 400;
      if (status >= 500) deps.onError?.(error);
      sendPage(reply, errorPage(site, rootFor(pathOfTarget(request.raw.url ?? '/')), status >= 400 ? status : 400));
    },
  });

  const files = createStaticFiles(createFileCache(deps.outDir, deps.cache));

  const notFound = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    // The site's own 404 page when it has one, with status 404.
    if (await files.serve(request, reply, '/404.html', 404)) return reply;
    return sendPage(reply, notFoundPage(site, rootFor(pathOfTarget(request.raw.url ?? '/'))));
  };

  const staticRoute = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (await files.serve(request, reply)) return reply;
    const path = pathOfTarget(request.raw.url ?? '/');
    // The sign-up page, unless out/ has its own subscribe/index.html (served above).
    if (path === '/subscribe/') {
      return sendPage(reply, subscriptions ? subscribePage(site) : subscriptionsOffPage(site));
    }
    if (path === '/subscribe') return reply.code(301).header('location', './subscribe/').send();
    return notFound(request, reply);
  };

  app.route({ method: [...GET_HEAD], url: '/', handler: staticRoute });
  app.route({ method: [...GET_HEAD], url: '/*', handler: staticRoute });

  app.setNotFoundHandler(async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') return notFound(request, reply);
    reply.header('allow', 'GET, HEAD');
    return sendPage(reply, errorPage(site, rootFor(pathOfTarget(request.raw.url ?? '/')), 405));
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) deps.onError?.(error);
    return sendPage(reply, errorPage(site, rootFor(pathOfTarget(request.raw.url ?? '/')), status >= 400 && status < 600 ? status : 500));
  });

  app.register(subscriptionRoutes, {
    prefix: '/api',
    site,
    subscriptions,
    ...(deps.rateLimits ? { rateLimits: deps.rateLimits } : {}),
    ...(deps.onError ? { onError: deps.onError } : {}),
  });

  return app;
}
