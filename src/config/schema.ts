/**
 * The config schema: the single source of truth for keys, defaults and types. Unknown keys are
 * errors (a typo must never be silently ignored), and every problem names its dotted key.
 */
import { validate as validateCron } from 'node-cron';
import { z } from 'zod';

const DURATION = /^(\d+)\s*(ms|s|m|h|d|w)$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 };

/** "7d" → milliseconds. The schema has already checked the form. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new RangeError(`not a duration: ${text}`);
  return Number(m[1]) * DURATION_MS[m[2]!]!;
}

const duration = z.string().regex(DURATION, 'expected a duration such as "7d", "12h" or "30m"');

const cron = z.string().refine((s) => {
  const fields = s.trim().split(/\s+/).length;
  return (fields === 5 || fields === 6) && validateCron(s);
}, 'expected a cron expression of 5 fields (or 6, with seconds first), such as "0 8 * * 1"');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' });

const author = z.strictObject({
  name: z.string().trim().min(1),
  email: z.email().optional(),
  url: httpUrl.optional(),
});

const smtpTransport = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** true: TLS from the start (465). false: STARTTLS when offered (587, 25). */
  secure: z.boolean().default(false),
  /** Refuse to send over a connection that did not upgrade to TLS. */
  requireTLS: z.boolean().default(false),
  auth: z
    .strictObject({
      user: z.string().min(1),
      /** Never in the file: the password comes from this environment variable. */
      passEnv: z.string().min(1).default('GAZETTE_SMTP_PASSWORD'),
    })
    .optional(),
  pool: z.boolean().default(true),
  maxConnections: z.number().int().min(1).max(100).default(5),
  /** Messages per second across all connections; 0 means unlimited. */
  rateLimit: z.number().min(0).default(0),
  /** Accept self-signed certificates (only for a relay you control). */
  rejectUnauthorized: z.boolean().default(true),
});

const dkim = z.strictObject({
  domainName: z.string().min(1),
  keySelector: z.string().min(1),
  /** Path to the PEM private key, outside out/. Or set GAZETTE_DKIM_KEY to the PEM text. */
  privateKeyFile: z.string().min(1).optional(),
});

export const configSchema = z.strictObject({
  site: z.strictObject({
    title: z.string().trim().min(1),
    url: httpUrl.transform((u) => (u.endsWith('/') ? u : `${u}/`)),
    description: z.string().default(''),
    language: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a language tag such as "en" or "de-CH"')
      .default('en'),
    /** An object, or just a name, as front matter's `author: "Name"`. */
    author: z.union([z.string().trim().min(1).transform((name) => ({ name })), author], 'expected a name, or { "name": …, "email"?: …, "url"?: … }').optional(),
    /** Time zone for dates written without an offset ("2026-11-20" or "2026-11-20 08:00"). */
    timezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as "Europe/Berlin"').default('UTC'),
    /** Stable id of the site's feeds; set it before moving the site to a new URL. */
    id: z.string().min(1).optional(),
  }),
  content: z
    .strictObject({
      dir: z.string().min(1).default('content'),
    })
    .default({ dir: 'content' }),
  feeds: z
    .strictObject({
      limit: z.number().int().min(1).max(10000).default(50),
    })
    .default({ limit: 50 }),
  pages: z
    .strictObject({
      /** Articles on the home page, newest first; every article is in the monthly archive. */
      indexLimit: z.number().int().min(1).max(10000).default(30),
    })
    .default({ indexLimit: 30 }),
  email: z
    .strictObject({
      from: z.string().min(3),
      replyTo: z.string().min(3).optional(),
      postalAddress: z.string().trim().min(5),
      transport: z.union([z.literal('outbox'), smtpTransport]).default('outbox'),
      dkim: dkim.optional(),
    })
    .optional(),
  digest: z
    .strictObject({
      subject: z.string().min(1).default('{{ site.title }}: {{ count }} new {{ count | plural: "article", "articles" }}'),
      maxArticles: z.number().int().min(1).max(100).default(10),
      lookback: duration.default('7d'),
      template: z.string().min(1).default('templates/digest.mjml'),
      /** Delivery attempts per recipient for temporary (4xx, connection) failures. */
      attempts: z.number().int().min(1).max(20).default(5),
      /** Pause the send after this many failures in a row. */
      maxConsecutiveFailures: z.number().int().min(1).default(20),
    })
    .default({
      subject: '{{ site.title }}: {{ count }} new {{ count | plural: "article", "articles" }}',
      maxArticles: 10,
      lookback: '7d',
      template: 'templates/digest.mjml',
      attempts: 5,
      maxConsecutiveFailures: 20,
    }),
  schedule: z
    .strictObject({
      build: cron.optional(),
      digest: cron.optional(),
      timezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as "Europe/Berlin"').default('UTC'),
    })
    .default({ timezone: 'UTC' }),
});

/** The config as written (input) and as validated, with defaults filled (output). */
export type ConfigInput = z.input<typeof configSchema>;
export type ConfigData = z.output<typeof configSchema>;
export type SmtpTransportConfig = z.output<typeof smtpTransport>;
