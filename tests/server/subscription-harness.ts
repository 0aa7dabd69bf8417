// A running server with the real subscription parts: SQLite store in a temp root, the token
// module, nodemailer's SMTP transport to a real smtp-server. A movable clock for expiry and throttles.
import type { FastifyInstance } from 'fastify';
import { createSmtpTransport } from '../../src/mail/index.js';
import type { Transport } from '../../src/mail/index.js';
import type { Site } from '../../src/model/index.js';
import { createServer, type ServerDeps } from '../../src/server/create-server.js';
import { createSubscriptions, type Subscriptions } from '../../src/server/subscriptions.js';
import { openStore, type Store } from '../../src/state/index.js';
import { freePort, startSmtpSink, tempDir, testSite, TEST_SECRET, type SmtpSink } from './helpers.js';

export const CLOCK_START = new Date('2026-05-04T09:00:00Z');

export interface Harness {
  readonly app: FastifyInstance;
  readonly port: number;
  /** "http://127.0.0.1:<port>/", also the site URL, so links in mails point here. */
  readonly base: string;
  readonly site: Site;
  readonly store: Store;
  readonly smtp: SmtpSink;
  readonly subscriptions: Subscriptions;
  readonly outDir: string;
  readonly warnings: string[];
  /** Moves the service's clock. */
  advance(ms: number): void;
  now(): Date;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly rateLimits?: ServerDeps['rateLimits'];
  readonly addressIntervalMs?: number;
  /** Files of the site folder (out/… among them); a function gets the site URL first. */
  readonly files?: Record<string, string | Uint8Array> | ((base: string) => Record<string, string | Uint8Array>);
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/`;
  const files = typeof options.files === 'function' ? options.files(base) : options.files;
  const root = tempDir(files ?? { 'out/index.html': '<!doctype html><title>Home</title><p>Home</p>' });
  const smtp = await startSmtpSink();
  const site = testSite(base);
  const store = openStore(root.dir);
  const transport: Transport = createSmtpTransport({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    requireTLS: false,
    rejectUnauthorized: false,
    pool: false,
    maxConnections: 1,
    rateLimit: 0,
    timeouts: { connectionMs: 5000, greetingMs: 5000, socketMs: 5000 },
  });
  let clock = CLOCK_START.getTime();
  const warnings: string[] = [];
  const subscriptions = createSubscriptions({
    store,
    secret: TEST_SECRET,
    transport,
    site,
    email: { from: 'Test Gazette <news@test.example.org>', replyTo: 'desk@test.example.org', postalAddress: '1 Test Street, Springfield' },
    now: () => new Date(clock),
    ...(options.addressIntervalMs !== undefined ? { addressIntervalMs: options.addressIntervalMs } : {}),
    warn: (m) => warnings.push(m),
  });
  const app = createServer({
    outDir: `${root.dir}/out`,
    site,
    subscriptions,
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
  });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    app,
    port,
    base,
    site,
    store,
    smtp,
    subscriptions,
    outDir: `${root.dir}/out`,
    warnings,
    advance: (ms) => {
      clock += ms;
    },
    now: () => new Date(clock),
    async close() {
      await app.close();
      await subscriptions.idle();
      await transport.close();
      store.close();
      await smtp.close();
      root.cleanup();
    },
  };
}

/** POSTs a urlencoded form the way a browser does. */
export function postForm(base: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(new URL(path, base), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}
