/**
 * `gazette serve [--port] [--host]`: serves out/ and the subscribe / confirm / unsubscribe routes
 * until SIGINT or SIGTERM (or `options.signal`). Binds 127.0.0.1 by default: put a reverse proxy
 * (TLS, the public name) in front, or pass `--host 0.0.0.0` knowingly.
 *
 * Subscriptions need the config's `email` section (sender, postal address) and a transport; without
 * it the site is served and the subscription routes say politely that there is no email.
 *
 * Stopping is two-phase: stop accepting (new requests get 503 while in-flight ones finish), then
 * wait for confirmation mails already started, then release the transport and the store.
 */
import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { siteFromConfig, type Config } from '../config/index.js';
import { GazetteError } from '../errors.js';
import { createTransport, type Transport } from '../mail/index.js';
import { createServer, type ServerDeps } from '../server/create-server.js';
import { createSubscriptions, type Subscriptions } from '../server/subscriptions.js';
import { openStore, type Store } from '../state/index.js';
import { loadSecret } from '../tokens/index.js';
import type { CommandResult, Reporter } from './command-result.js';

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
/** The outbox folder for confirmation mails when the transport is the file outbox. */
export const CONFIRMATIONS_OUTBOX = 'confirmations';

export interface ServeOptions {
  readonly port?: number;
  readonly host?: string;
  /** Stops the server when aborted (tests, or a parent such as `--schedule`). */
  readonly signal?: AbortSignal;
  /** Also stop on SIGINT/SIGTERM. Default true. */
  readonly handleSignals?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly rateLimits?: ServerDeps['rateLimits'];
  readonly trustProxy?: ServerDeps['trustProxy'];
}

export interface RunningServer {
  /** "http://127.0.0.1:8080/" */
  readonly url: string;
  readonly app: FastifyInstance;
  /** Two-phase stop; idempotent. */
  stop(): Promise<void>;
}

const PORT_EXPECTED = 'expected a port number from 1 to 65535, or 0 for any free port (the address is printed)';

/** `--port` as typed: whole decimal digits only, so "", "8o80" or "1e3" are not a port by accident. */
export function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isInteger(port) || port > 65535) throw new GazetteError('USAGE', `--port ${JSON.stringify(text)}: ${PORT_EXPECTED}`);
  return port;
}

/** Starts listening and returns; for callers that run something beside the server. */
export async function startServer(config: Config, reporter: Reporter, options: ServeOptions = {}): Promise<RunningServer> {
  const port = options.port ?? DEFAULT_PORT;
  const host = options.host ?? DEFAULT_HOST;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new GazetteError('USAGE', `--port ${port}: ${PORT_EXPECTED}`);
  }
  const site = siteFromConfig(config);
  const env = options.env ?? process.env;
  if (!existsSync(config.paths.out)) {
    reporter.warn(`${config.paths.out} does not exist yet: every page is "not found" until \`gazette build\` writes it`);
  }

  let store: Store | null = null;
  let transport: Transport | null = null;
  let subscriptions: Subscriptions | null = null;
  const email = config.email;
  if (email) {
    store = openStore(config.paths.root);
    try {
      transport = createTransport(config, { digestId: CONFIRMATIONS_OUTBOX, env });
      subscriptions = createSubscriptions({
        store,
        secret: loadSecret(config.paths.state, env),
        transport,
        site,
        email: { from: email.from, postalAddress: email.postalAddress, ...(email.replyTo ? { replyTo: email.replyTo } : {}) },
        warn: (m) => reporter.warn(m),
      });
    } catch (e) {
      await transport?.close();
      store.close();
      throw e;
    }
  } else {
    reporter.warn(`${config.file ?? 'config'}: no "email" section, so the site takes no email subscriptions`);
  }

  const release = async (): Promise<void> => {
    await subscriptions?.idle();
    await transport?.close();
    store?.close();
  };

  const app = createServer({
    outDir: config.paths.out,
    site,
    subscriptions,
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    onError: (e) => reporter.warn(`server error: ${e.message}`),
  });

  try {
    await app.listen({ port, host });
  } catch (e) {
    await app.close().catch(() => {});
    await release();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new GazetteError('USAGE', `--port ${port}: ${host}:${port} is already in use; choose another port with --port`, { cause: e });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new GazetteError('USAGE', `--host ${host}: not an address of this machine`, { cause: e });
    }
    if (code === 'EACCES') throw new GazetteError('USAGE', `--port ${port}: not allowed to listen there (ports below 1024 need privileges)`, { cause: e });
    throw e;
  }

  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}/`;

  let stopping: Promise<void> | null = null;
  return {
    url,
    app,
    stop(): Promise<void> {
      stopping ??= (async () => {
        // app.close() stops accepting and closes idle keep-alive connections once; a connection
        // whose request finishes afterwards would linger until the client drops it, so sweep.
        const closing = app.close();
        const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
        try {
          await closing;
        } finally {
          clearInterval(sweep);
        }
        await release();
      })();
      return stopping;
    },
  };
}

export async function serveCommand(config: Config, reporter: Reporter, options: ServeOptions = {}): Promise<CommandResult> {
  const server = await startServer(config, reporter, options);
  reporter.info(`serving ${config.paths.out} at ${server.url} (Ctrl-C to stop)`);

  const stoppedBy = await waitForStop(options.signal, options.handleSignals !== false);

  // A second Ctrl-C while requests finish: drop the remaining connections.
  const force = (): void => server.app.server.closeAllConnections();
  if (options.handleSignals !== false) process.once('SIGINT', force);
  try {
    await server.stop();
  } finally {
    process.off('SIGINT', force);
  }
  reporter.info(`stopped (${stoppedBy})`);
  return { exitCode: 0, text: `served ${server.url}; stopped`, json: { url: server.url, stopped: stoppedBy } };
}

/** Resolves with what asked the server to stop: "SIGINT", "SIGTERM" or "abort". */
function waitForStop(signal: AbortSignal | undefined, handleSignals: boolean): Promise<string> {
  return new Promise((resolve) => {
    const finish = (why: string): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onSignal = (name: NodeJS.Signals): void => finish(name);
    const onAbort = (): void => finish('abort');
    if (handleSignals) {
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    }
    if (signal?.aborted) finish('abort');
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
