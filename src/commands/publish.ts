/**
 * `gazette publish [--dry-run]`: the one-off job. Build the site and feeds, then email every
 * active subscriber one digest of what is new. Also the scheduler's digest tick (`runPublish`).
 */
import type { Config } from '../config/index.js';
import type { SendSummary } from '../model/index.js';
import type { SendReport } from '../send/index.js';
import type { Store } from '../state/index.js';
import { buildJson, runBuild, summariseBuild, type BuildReport } from './build.js';
import type { CommandResult, Reporter } from './command-result.js';
import { openDigestSender, planDigest, recordBaseline, recordDigest, renderPlannedDigest, sendDigest } from './digest-job.js';

export interface PublishOptions {
  readonly dryRun: boolean;
  readonly now?: Date;
  readonly signal?: AbortSignal;
  readonly progress?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export interface DigestOutcome {
  readonly id: string;
  readonly articles: number;
  readonly more: number;
  readonly recipients: number;
  /** Null on a dry run: nothing was sent. */
  readonly send: SendReport | null;
}

export interface PublishReport {
  readonly build: BuildReport;
  /** Null when nothing is new (or the site has no email section). */
  readonly digest: DigestOutcome | null;
  /** Why there is no digest, for the summary line. */
  readonly note: string | null;
  /** Earlier digests that still have recipients to send to (`gazette resume ID`). */
  readonly unfinished: readonly string[];
}

/** Digests whose send stopped with recipients still to go (stopped by a signal, or paused). */
export function unfinishedSends(store: Store): SendSummary[] {
  return store.sendSummaries().filter((s) => s.status !== 'finished' && s.pending > 0);
}

/** The whole job against an open store; the caller holds the send lock. */
export async function runPublish(config: Config, store: Store, reporter: Reporter, options: PublishOptions): Promise<PublishReport> {
  const now = options.now ?? new Date();
  const build = await runBuild(config, reporter, { now, dryRun: options.dryRun, store });
  const unfinished = unfinishedSends(store).map((s) => s.id);
  for (const id of unfinished) reporter.warn(`digest ${id} did not finish: \`gazette resume ${id}\` sends to the rest`);
  if (!config.email) return { build, digest: null, note: 'no digest: the config has no "email" section', unfinished };
  const plan = planDigest(config, store, build.publishedArticles, now);
  // The first publish records the archive it found, digest or not (see recordBaseline).
  if (!options.dryRun) recordBaseline(store, plan);
  if (plan.selection.shown.length === 0) return { build, digest: null, note: 'no digest: nothing new since the last one', unfinished };
  const shown = plan.selection.shown.length;
  const more = plan.selection.more.length;
  if (options.dryRun) {
    const recipients = store.countByStatus().active;
    return { build, digest: { id: plan.id, articles: shown, more, recipients, send: null }, note: null, unfinished };
  }
  const rendered = await renderPlannedDigest(config, plan);
  // Config problems (From, DKIM key, SMTP password, port) surface here, before anything is recorded.
  const sender = openDigestSender(config, rendered, options.env);
  let recipients: number;
  try {
    ({ recipients } = recordDigest(config, store, plan, rendered));
  } catch (error) {
    await sender.transport.close();
    throw error;
  }
  const send = await sendDigest(config, store, plan.id, {
    sender,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.progress ? { progress: true } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  return { build, digest: { id: plan.id, articles: shown, more, recipients, send }, note: null, unfinished };
}

/** A send that could not finish (paused, stopped, recipients left pending) is a failure. */
export function sendFailed(send: SendReport | null): boolean {
  return send !== null && (send.paused || send.aborted || send.pending > 0);
}

export function summariseSend(id: string, s: SendReport): string {
  const seconds = s.durationMs / 1000;
  const rate = seconds > 0 ? s.sentThisRun / seconds : 0;
  const state = s.paused ? 'paused after too many failures in a row' : s.aborted ? 'stopped' : s.pending > 0 ? 'not finished' : 'finished';
  return (
    `digest ${id} ${state}: ${s.recipients} recipient${s.recipients === 1 ? '' : 's'}, ${s.sent} sent, ${s.failed} failed, ` +
    `${s.pending} pending, ${s.uncertain} uncertain in ${seconds.toFixed(2)} s (${rate.toFixed(1)} msgs/s)` +
    (s.pending > 0 || s.uncertain > 0 ? `; \`gazette resume ${id}\` continues it` : '')
  );
}

export function publishResult(report: PublishReport, dryRun: boolean): CommandResult {
  const lines = [`${dryRun ? 'dry run (nothing written or sent): ' : ''}${summariseBuild(report.build)}`];
  const d = report.digest;
  if (!d) lines.push(report.note ?? 'no digest');
  else if (!d.send) lines.push(`would send digest ${d.id}: ${d.articles} article${d.articles === 1 ? '' : 's'}${d.more ? ` and ${d.more} more` : ''} to ${d.recipients} active subscriber${d.recipients === 1 ? '' : 's'}`);
  else lines.push(summariseSend(d.id, d.send));
  return {
    exitCode: sendFailed(d?.send ?? null) ? 1 : 0,
    text: lines.join('\n'),
    json: {
      dryRun,
      build: buildJson(report.build),
      digest: d ? { id: d.id, articles: d.articles, more: d.more, recipients: d.recipients, ...(d.send ? { send: d.send } : {}) } : null,
      note: report.note,
      unfinished: report.unfinished,
    },
  };
}
