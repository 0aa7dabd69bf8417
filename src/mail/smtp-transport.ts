/**
 * SMTP through nodemailer: a pool of up to `maxConnections` connections (TLS from the start with
 * `secure`, else STARTTLS when offered, mandatory with `requireTLS`), sending pre-built raw messages
 * so nodemailer never re-encodes them.
 *
 * Two things are done here rather than by nodemailer's knobs, on purpose:
 * - Rate limiting (`rateLimit` messages/second) uses our own spacing limiter: nodemailer's counts
 *   messages per one-second window and so lets a full window through in a burst at the start.
 * - nodemailer's silent re-queueing of a message whose connection closed is off
 *   (`maxRequeues: 0`): every attempt goes back to the send engine, which records it in the
 *   ledger and retries with backoff, so attempts are counted and visible.
 */
import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type { SMTPPoolOptions, SMTPTransportOptions, Transporter } from 'nodemailer';
import { GazetteError } from '../errors.js';
import { classifySmtpError } from './classify-smtp-error.js';
import { isEnvelopeAddress } from './envelope-address.js';
import { createRateLimiter, type StartedCallback } from './rate-limiter.js';
import type { OutgoingMessage, SendOutcome, Transport } from './transport.js';

export interface SmtpTransportOptions {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (port 465). When false, STARTTLS is used if the server offers it. */
  readonly secure: boolean;
  /** Refuse to send unless the connection was upgraded with STARTTLS. */
  readonly requireTLS: boolean;
  /** false accepts self-signed certificates (a relay you control). */
  readonly rejectUnauthorized: boolean;
  /** Keep connections open between messages (recommended); false opens one per message. */
  readonly pool: boolean;
  readonly maxConnections: number;
  /** Messages per second across all connections, enforced from the first message; 0 = unlimited. */
  readonly rateLimit: number;
  readonly auth?: { readonly user: string; readonly password: string };
  /** Name announced in EHLO; nodemailer uses the machine's host name by default. */
  readonly clientName?: string;
  readonly timeouts?: {
    /** Establishing the TCP (and TLS) connection. Default 30 s. */
    readonly connectionMs?: number;
    /** Waiting for the server's greeting. Default 30 s. */
    readonly greetingMs?: number;
    /** Any silence in the middle of a session, including the reply after DATA. Default 2 min. */
    readonly socketMs?: number;
  };
}

export function createSmtpTransport(options: SmtpTransportOptions): Transport {
  const maxConnections = Math.max(1, Math.floor(options.maxConnections));
  const common: SMTPTransportOptions = {
    host: options.host,
    port: options.port,
    secure: options.secure,
    requireTLS: options.requireTLS,
    ignoreTLS: false,
    tls: { rejectUnauthorized: options.rejectUnauthorized },
    ...(options.auth ? { auth: { user: options.auth.user, pass: options.auth.password } } : {}),
    ...(options.clientName ? { name: options.clientName } : {}),
    connectionTimeout: options.timeouts?.connectionMs ?? 30_000,
    greetingTimeout: options.timeouts?.greetingMs ?? 30_000,
    socketTimeout: options.timeouts?.socketMs ?? 120_000,
    // The messages are complete; nothing should ever be read from disk or fetched by nodemailer.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  };
  let mailer: Transporter;
  if (options.pool) {
    const poolOptions: SMTPPoolOptions & { pool: true } = { ...common, pool: true, maxConnections, maxRequeues: 0 };
    mailer = nodemailer.createTransport(poolOptions);
  } else {
    mailer = nodemailer.createTransport(common);
  }
  // The transporter re-emits connection errors; every one of them also fails the message it was
  // carrying, which is where it is reported. An unhandled 'error' event would crash the process.
  mailer.on('error', () => {});

  const limiter = createRateLimiter({ perSecond: options.rateLimit });
  const slots = createSlots(maxConnections);
  let closed = false;
  let closing: Promise<void> | null = null;

  const describe = (): string => {
    const scheme = options.secure ? 'smtps' : 'smtp';
    const tls = options.secure ? 'TLS' : options.requireTLS ? 'STARTTLS required' : 'STARTTLS if offered';
    const mode = options.pool ? `pool ${maxConnections}` : `no pool, ${maxConnections} at once`;
    const rate = options.rateLimit > 0 ? `${options.rateLimit} msg/s` : 'no rate limit';
    // Not even the user name: some providers use an API token as the SMTP user.
    const auth = options.auth ? ', auth' : '';
    return `${scheme} ${formatHost(options.host)}:${options.port} (${mode}, ${rate}, ${tls}${auth})`;
  };

  return {
    concurrency: maxConnections,
    describe,

    async send(message: OutgoingMessage): Promise<SendOutcome> {
      if (closed) throw new GazetteError('MAIL', `${describe()}: the transport is closed`);
      if (!isEnvelopeAddress(message.from)) {
        throw new GazetteError('MAIL', `email.from: envelope sender ${JSON.stringify(message.from)} is not a valid address`);
      }
      if (!isEnvelopeAddress(message.to)) {
        return { ok: false, permanent: true, response: `invalid recipient address ${JSON.stringify(message.to)}` };
      }
      // A slot first, then the rate: a message waits for its turn only once a connection is
      // free for it, so the pool's own queue never releases a burst.
      await slots.acquire();
      let started: StartedCallback = () => {};
      try {
        started = await limiter.acquire();
        // With a rate limit, the message is handed over as a stream whose first read tells the
        // limiter when the transaction really began (the connection is up, MAIL FROM goes next).
        const raw = options.rateLimit > 0 ? readOnce(message.raw, started) : message.raw;
        // One recipient per message: if RCPT TO is refused, sendMail rejects, so success means
        // the server answered 250 to the end of DATA.
        const info: { response?: unknown } = await mailer.sendMail({
          envelope: { from: message.from, to: [message.to] },
          raw,
        });
        return { ok: true, response: typeof info.response === 'string' ? info.response : '250 OK' };
      } catch (error) {
        return classifySmtpError(error);
      } finally {
        started(); // a message that failed before reaching the server releases the limiter too
        slots.release();
      }
    },

    close(): Promise<void> {
      closed = true;
      closing ??= slots.drained().then(() => {
        mailer.close();
      });
      return closing;
    },
  };
}

/** A stream of `raw` that reports its first read: the moment nodemailer starts the transaction. */
function readOnce(raw: Buffer | string, onFirstRead: () => void): Readable {
  let done = false;
  return new Readable({
    read(): void {
      if (done) return;
      done = true;
      onFirstRead();
      this.push(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw);
      this.push(null);
    },
  });
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** A counting semaphore that can also say when nothing holds a slot. */
function createSlots(size: number): { acquire(): Promise<void>; release(): void; drained(): Promise<void> } {
  let used = 0;
  const waiting: Array<() => void> = [];
  let onDrained: Array<() => void> = [];
  return {
    acquire(): Promise<void> {
      if (used < size) {
        used++;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    release(): void {
      const next = waiting.shift();
      if (next) {
        next(); // the slot passes straight to the next waiter; `used` is unchanged
        return;
      }
      used--;
      if (used === 0) {
        const callbacks = onDrained;
        onDrained = [];
        for (const cb of callbacks) cb();
      }
    },
    drained(): Promise<void> {
      if (used === 0) return Promise.resolve();
      return new Promise<void>((resolve) => onDrained.push(resolve));
    },
  };
}
