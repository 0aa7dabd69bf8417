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
  type DigestMail,
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

/**
 * GUIDs of the archive as it stood at the first publish: articles older than `digest.lookback`
 * then. They never count as new, so the first digest does not mail the whole archive and the
 * second does not mail what the first left out. Keyed by GUID, like everything covered.
 */
const BASELINE_KEY = 'digest.baseline';

export interface DigestPlan {
  readonly id: string;
  readonly createdAt: Date;
  readonly selection: DigestSelection;
  /** Set on the first publish of a site: the archive to record as already known. */
  readonly baseline: readonly string[] | null;
}

/** What is new since the last digest (an empty selection when nothing is). Reads the store, writes nothing. */
export function planDigest(config: Config, store: Store, published: readonly Article[], now: Date): DigestPlan {
  const lookbackMs = parseDuration(config.digest.lookback);
  const stored = store.getMeta(BASELINE_KEY);
  const covered = store.coveredArticleIds();
  // Every digest covers at least the article it shows: none covered means no digest was ever made.
  const firstRun = stored === undefined && covered.size === 0;
  if (stored !== undefined) for (const id of storedBaseline(stored)) covered.add(id);
  const selection = selectDigestArticles({ published, covered, firstRun, lookbackMs, now, maxArticles: config.digest.maxArticles });
  const baseline = firstRun ? published.filter((a) => a.date.getTime() < now.getTime() - lookbackMs).map((a) => a.id) : null;
  return { id: selection ? digestIdFor(now, store) : '', createdAt: now, selection: selection ?? EMPTY, baseline };
}

const EMPTY: DigestSelection = { shown: [], more: [], covered: [] };

function storedBaseline(text: string): string[] {
  let ids: unknown;
  try {
    ids = JSON.parse(text);
  } catch {
    ids = undefined;
  }
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    throw new GazetteError('STATE', `the state database's ${BASELINE_KEY} entry is damaged: it should be a JSON list of article ids`);
  }
  return ids;
}

/** Records the first publish's archive (see BASELINE_KEY); before any digest is made from it. */
export function recordBaseline(store: Store, plan: DigestPlan): void {
  if (plan.baseline) store.setMeta(BASELINE_KEY, JSON.stringify(plan.baseline));
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
  /** Draw a progress bar on stderr when it is a terminal. */
  readonly progress?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Opened beforehand by `openDigestSender` (publish checks the config before recording). */
  readonly sender?: DigestSender;
}

/** The message builder and the transport of one send. */
export interface DigestSender {
  readonly mail: DigestMail;
  readonly transport: Transport;
}

/**
 * Opens what a send needs from the config and the environment: the From and Reply-To addresses,
 * the token secret, the DKIM key and the transport (SMTP password, port and TLS checks). Each of
 * these can be wrong, and each throws here, so `publish` opens the sender *before* it records the
 * digest: a bad config then changes nothing (no digest row, no articles marked as sent). Only
 * the first publish's baseline may have been recorded by then: what was already old, which stays true.
 * The caller closes `transport`.
 */
export function openDigestSender(config: Config, rendered: RenderedDigest, env: NodeJS.ProcessEnv = process.env): DigestSender {
  const mail = composeMailFromConfig(config, rendered, env);
  return { mail, transport: createTransport(config, { digestId: rendered.id, env }) };
}

/**
 * The message builder alone (From, Reply-To, token secret, DKIM key), without a transport: the
 * preview builds the very messages a send would, and must never open a connection.
 */
export function composeMailFromConfig(config: Config, rendered: RenderedDigest, env: NodeJS.ProcessEnv): DigestMail {
  const email = requireEmail(config);
  return composeDigestMail(rendered, {
    from: email.from,
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    secret: loadSecret(config.paths.state, env),
    dkim: loadDkimKey(email.dkim, { root: config.paths.root, out: config.paths.out }, env),
  });
}

/** The sender for a digest already recorded, from the very bytes stored with it. */
function openStoredDigest(config: Config, store: Store, digestId: string, env: NodeJS.ProcessEnv): DigestSender {
  requireEmail(config);
  const record = store.getDigest(digestId);
  if (!record) throw new GazetteError('NOT_FOUND', `no digest "${digestId}": \`gazette sends\` lists them`);
  const payload = record.payload;
  if (!payload) throw new GazetteError('STATE', `digest ${digestId} has no stored message to send`);
  return openDigestSender(config, deserialiseDigest(payload), env);
}

/** Sends (or continues sending) a recorded digest to its frozen recipients. */
export async function sendDigest(config: Config, store: Store, digestId: string, options: SendDigestOptions): Promise<SendReport> {
  const sender = options.sender ?? openStoredDigest(config, store, digestId, options.env ?? process.env);
  const { mail, transport } = sender;
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
