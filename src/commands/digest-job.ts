/**
 * The digest half of `publish`, `resume` and the scheduler's digest tick: choose what is new,
 * render it once, freeze the recipients in the ledger, then send against the ledger.
 *
 * Order matters for safety: the digest row (with its covered articles and frozen recipients) is
 * written in one transaction before any message leaves, and the web version is in out/ before
 * the first "view in browser" link can be clicked.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseDuration, siteFromConfig, type Config } from '../config/index.js';
import {
  composeDigestMail,
  loadDigestTemplates,
  loadDkimKey,
  renderDigest,
  selectDigestArticles,
  type DigestSelection,
  type RenderedDigest,
} from '../digest/index.js';
import { GazetteError } from '../errors.js';
import { createTransport, type Transport } from '../mail/index.js';
import type { Article } from '../model/index.js';
import { writeFileAtomic } from '../output/index.js';
import { createProgressBar, DEFAULT_SEND_POLICY, runSend, type SendPolicy, type SendReport } from '../send/index.js';
import type { Store } from '../state/index.js';
import { loadSecret } from '../tokens/index.js';
import { DEFAULT_TEMPLATES } from './build.js';
import type { Reporter } from './command-result.js';

export interface DigestPlan {
  readonly id: string;
  readonly createdAt: Date;
  readonly selection: DigestSelection;
}

/** What is new since the last digest, or null when nothing is. Reads the store, writes nothing. */
export function planDigest(config: Config, store: Store, published: readonly Article[], now: Date): DigestPlan | null {
  const selection = selectDigestArticles({
    published,
    covered: store.coveredArticleIds(),
    firstRun: store.listDigests().length === 0,
    lookbackMs: parseDuration(config.digest.lookback),
    now,
    maxArticles: config.digest.maxArticles,
  });
  if (!selection) return null;
  return { id: digestIdFor(now, store), createdAt: now, selection };
}

/** "20261127-080000" in UTC: sortable, readable in logs and URLs; a suffix keeps it unique. */
function digestIdFor(at: Date, store: Store): string {
  const base = at.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  let id = base;
  for (let n = 2; store.getDigest(id); n++) id = `${base}-${n}`;
  return id;
}

/** The operator's template when it exists; Gazette's own when the default path has none. */
function digestTemplatePath(config: Config): string {
  const configured = isAbsolute(config.digest.template) ? config.digest.template : resolve(config.paths.root, config.digest.template);
  if (existsSync(configured) || config.digest.template !== 'templates/digest.mjml') return configured;
  return join(DEFAULT_TEMPLATES, 'digest.mjml');
}

export function requireEmail(config: Config): NonNullable<Config['email']> {
  if (!config.email) {
    throw GazetteError.fromProblems('CONFIG', `${config.file ?? 'config'}: cannot send the digest`, [
      { key: 'email', message: 'required to send the digest: add "email" with "from" and "postalAddress"' },
    ]);
  }
  return config.email;
}

export async function renderPlannedDigest(config: Config, plan: DigestPlan): Promise<RenderedDigest> {
  const email = requireEmail(config);
  return renderDigest({
    site: siteFromConfig(config),
    digestId: plan.id,
    createdAt: plan.createdAt,
    shown: plan.selection.shown,
    more: plan.selection.more,
    postalAddress: email.postalAddress,
    subject: config.digest.subject,
    templates: loadDigestTemplates(config.paths.root, digestTemplatePath(config)),
  });
}

/** The rendered digest as stored with the digest row, so `resume` sends the very same bytes. */
export function serialiseDigest(rendered: RenderedDigest): string {
  return JSON.stringify(rendered);
}

export function deserialiseDigest(payload: string): RenderedDigest {
  const value = JSON.parse(payload) as RenderedDigest & { createdAt: string };
  return { ...value, createdAt: new Date(value.createdAt) };
}

/** Makes the digest: web version into out/, then the digest row with its frozen recipients. */
export function recordDigest(config: Config, store: Store, plan: DigestPlan, rendered: RenderedDigest): { recipients: number } {
  writeFileAtomic(join(config.paths.out, rendered.web.path), rendered.web.content);
  const { recipients } = store.createDigest({
    id: plan.id,
    createdAt: plan.createdAt,
    subject: rendered.subject,
    articleIds: plan.selection.shown.map((a) => a.id),
    coveredIds: plan.selection.covered,
    payload: serialiseDigest(rendered),
  });
  return { recipients };
}

export interface SendDigestOptions {
  readonly signal?: AbortSignal;
  readonly resendUncertain?: boolean;
  readonly reporter: Reporter;
  /** Draw a progress bar on stderr when it is a terminal. */
  readonly progress?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/** Sends (or continues sending) a recorded digest to its frozen recipients. */
export async function sendDigest(config: Config, store: Store, digestId: string, options: SendDigestOptions): Promise<SendReport> {
  const email = requireEmail(config);
  const record = store.getDigest(digestId);
  if (!record) throw new GazetteError('NOT_FOUND', `no digest "${digestId}": \`gazette sends\` lists them`);
  const payload = record.payload;
  if (!payload) throw new GazetteError('STATE', `digest ${digestId} has no stored message to send`);
  const rendered = deserialiseDigest(payload);
  const env = options.env ?? process.env;
  const mail = composeDigestMail(rendered, {
    from: email.from,
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    secret: loadSecret(config.paths.state, env),
    dkim: loadDkimKey(email.dkim, { root: config.paths.root, out: config.paths.out }, env),
  });
  const transport: Transport = createTransport(config, { digestId, env });
  const policy: SendPolicy = {
    ...DEFAULT_SEND_POLICY,
    attempts: config.digest.attempts,
    maxConsecutiveFailures: config.digest.maxConsecutiveFailures,
    concurrency: Math.max(2, transport.concurrency * 2),
  };
  const bar = options.progress ? createProgressBar({ label: `Digest ${digestId}` }) : null;
  try {
    const report = await runSend({
      digestId,
      ledger: store,
      transport,
      makeMessage: (r) => {
        const m = mail.messageFor({ email: r.email, name: r.name });
        return { raw: m.raw, messageId: m.messageId, envelopeFrom: m.envelope.from, to: m.envelope.to };
      },
      policy,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.resendUncertain ? { resendUncertain: true } : {}),
      ...(bar ? { onProgress: (p) => bar.update(p) } : {}),
    });
    const finished = !report.paused && !report.aborted && report.pending === 0;
    store.setDigestStatus(digestId, finished ? 'finished' : report.paused ? 'paused' : 'sending', {
      reason: report.paused ? 'too many failures in a row' : report.aborted ? 'stopped by a signal' : null,
    });
    return report;
  } finally {
    bar?.done();
    await transport.close();
  }
}
