/**
 * Picks the transport the config asks for: the file outbox (the default) or SMTP, with
 * GAZETTE_SMTP_URL already folded into `email.transport` by the config loader. Misconfiguration
 * is reported here, before anything is sent, naming the config key or variable to fix.
 */
import { smtpPassword, type Config, type SmtpTransportConfig } from '../config/index.js';
import { GazetteError } from '../errors.js';
import { createOutboxTransport } from './outbox-transport.js';
import { createSmtpTransport, type SmtpTransportOptions } from './smtp-transport.js';
import type { Transport } from './transport.js';

export interface CreateTransportOptions {
  /** The digest being sent; the outbox files its messages under it. */
  readonly digestId: string | number;
  /** Where the SMTP password is read from; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** SMTP timeouts, for tests and unusual relays. */
  readonly timeouts?: SmtpTransportOptions['timeouts'];
}

export function createTransport(config: Config, options: CreateTransportOptions): Transport {
  const email = config.email;
  if (!email) {
    throw new GazetteError('MAIL', 'email: the config has no "email" section (email.from and email.postalAddress are needed to send)');
  }
  if (email.transport === 'outbox') {
    return createOutboxTransport({ stateDir: config.paths.state, digestId: options.digestId });
  }
  return createSmtpTransport(smtpOptions(email.transport, options.env ?? process.env, options.timeouts));
}

export function smtpOptions(
  smtp: SmtpTransportConfig,
  env: NodeJS.ProcessEnv,
  timeouts?: SmtpTransportOptions['timeouts'],
): SmtpTransportOptions {
  const fromUrl = Boolean(env.GAZETTE_SMTP_URL?.trim());
  const key = (name: string): string => (fromUrl ? `GAZETTE_SMTP_URL (${name})` : `email.transport.${name}`);

  // Implicit TLS and STARTTLS do not speak to each other: the client would wait for a greeting
  // that never comes (or send a TLS hello to a plain-text server) until the timeout.
  if (smtp.secure && smtp.port === 587) {
    throw new GazetteError('MAIL', `${key('secure')}: port 587 expects STARTTLS; use secure: false there (or smtp://), or port 465 for TLS from the start`);
  }
  if (!smtp.secure && smtp.port === 465) {
    throw new GazetteError('MAIL', `${key('port')}: port 465 expects TLS from the start; set secure: true (or use smtps://)`);
  }

  let auth: SmtpTransportOptions['auth'];
  if (smtp.auth) {
    const password = smtpPassword(smtp, env);
    if (!password) {
      throw new GazetteError(
        'MAIL',
        smtp.auth.passEnv === 'GAZETTE_SMTP_URL'
          ? 'GAZETTE_SMTP_URL: a user is given but no password (smtp://user:password@host:port)'
          : `email.transport.auth.passEnv: the environment variable ${smtp.auth.passEnv} holding the SMTP password is not set`,
      );
    }
    auth = { user: smtp.auth.user, password };
  }

  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    rejectUnauthorized: smtp.rejectUnauthorized,
    pool: smtp.pool,
    maxConnections: smtp.maxConnections,
    rateLimit: smtp.rateLimit,
    ...(auth ? { auth } : {}),
    ...(timeouts ? { timeouts } : {}),
  };
}
