/**
 * A real SMTP server (smtp-server) on 127.0.0.1, port 0, for tests: it records every message it
 * *accepted* (answered 250 to) with its envelope, bytes and timing, and can be told to misbehave
 * per recipient and per attempt — reject RCPT TO, reject after DATA, close with 421, or cut the
 * connection in the middle of DATA.
 */
import { performance } from 'node:perf_hooks';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';

export interface Accepted {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: Buffer;
  /** performance.now() when the server received MAIL FROM for it. */
  readonly startedAt: number;
  /** performance.now() when it answered 250. */
  readonly acceptedAt: number;
}

/** What the server does with one transaction; `attempt` counts transactions for that recipient, from 1. */
export type Behaviour =
  | { readonly kind: 'accept' }
  | { readonly kind: 'rcpt'; readonly code: number; readonly message?: string }
  | { readonly kind: 'data'; readonly code: number; readonly message?: string }
  | { readonly kind: 'drop-in-data' };

export interface SinkOptions {
  readonly behaviour?: (recipient: string, attempt: number) => Behaviour;
  readonly auth?: { readonly user: string; readonly password: string };
  /** TLS from the first byte, with smtp-server's built-in self-signed certificate. */
  readonly secure?: boolean;
  /** Offer STARTTLS (self-signed). Default false. */
  readonly starttls?: boolean;
  /** Refuse every MAIL FROM with this reply (a sender the relay does not accept). */
  readonly rejectMailFrom?: { readonly code: number; readonly message?: string };
  /** Extra delay before answering 250 to DATA, to keep messages in flight. */
  readonly acceptDelayMs?: number;
}

export interface SmtpSink {
  readonly host: string;
  readonly port: number;
  readonly accepted: Accepted[];
  /** Every RCPT TO seen, in order, per transaction (accepted or not). */
  readonly attempts: Map<string, number>;
  /** Highest number of simultaneously open connections. */
  readonly peakConnections: () => number;
  readonly totalConnections: () => number;
  /** Recipients of accepted messages, in acceptance order. */
  acceptedRecipients(): string[];
  close(): Promise<void>;
}

interface ServerWithConnections {
  connections: Set<{ session: { id: string }; _socket: { destroy(): void } }>;
}

export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const accepted: Accepted[] = [];
  const attempts = new Map<string, number>();
  const behaviourOf = new Map<string, Behaviour>(); // by session id, for the current transaction
  const startedOf = new Map<string, number>();
  let open = 0;
  let peak = 0;
  let total = 0;
  const behaviour = options.behaviour ?? (() => ({ kind: 'accept' }) as const);

  const reply = (code: number, message: string | undefined): Error => {
    const err = new Error(message ?? `test reply ${code}`) as Error & { responseCode: number };
    err.responseCode = code;
    return err;
  };

  const serverOptions: SMTPServerOptions = {
    secure: options.secure ?? false,
    logger: false,
    disabledCommands: [...(options.auth ? [] : ['AUTH']), ...(options.starttls || options.secure ? [] : ['STARTTLS'])],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    size: 50 * 1024 * 1024,
    onConnect(_session, callback) {
      open++;
      total++;
      peak = Math.max(peak, open);
      callback();
    },
    onClose() {
      open--;
    },
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.password) {
        callback(null, { user: auth.username });
      } else {
        callback(reply(535, 'Authentication failed'));
      }
    },
    onMailFrom(_address, session, callback) {
      startedOf.set(session.id, performance.now());
      if (options.rejectMailFrom) return callback(reply(options.rejectMailFrom.code, options.rejectMailFrom.message));
      callback();
    },
    onRcptTo(address, session, callback) {
      const to = address.address;
      const n = (attempts.get(to) ?? 0) + 1;
      attempts.set(to, n);
      const b = behaviour(to, n);
      behaviourOf.set(session.id, b);
      if (b.kind === 'rcpt') return callback(reply(b.code, b.message));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      const b = behaviourOf.get(session.id) ?? { kind: 'accept' };
      let dropped = false;
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (b.kind === 'drop-in-data' && !dropped) {
          dropped = true;
          // Cut the TCP connection before the message is complete: the server never accepts it.
          const conns = (server as unknown as ServerWithConnections).connections;
          for (const c of conns) if (c.session.id === session.id) c._socket.destroy();
        }
      });
      stream.on('end', () => {
        if (dropped) return;
        if (b.kind === 'data') return callback(reply(b.code, b.message));
        const finish = (): void => {
          accepted.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
            startedAt: startedOf.get(session.id) ?? performance.now(),
            acceptedAt: performance.now(),
          });
          callback(null, '250 OK: queued as test');
        };
        if (options.acceptDelayMs) setTimeout(finish, options.acceptDelayMs);
        else finish();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  server.on('error', () => {}); // a client cut off mid-session is expected in these tests
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('smtp sink: no port');

  return {
    host: '127.0.0.1',
    port: address.port,
    accepted,
    attempts,
    peakConnections: () => peak,
    totalConnections: () => total,
    acceptedRecipients: () => accepted.flatMap((a) => a.to),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type { SMTPServerSession };
