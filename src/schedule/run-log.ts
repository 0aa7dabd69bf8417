/**
 * What the scheduler tells the operator: one line per event, and exactly one per run (done,
 * failed or skipped). With `json`, each line is one JSON object (JSON Lines, for log shippers);
 * otherwise a sentence that starts with the time, in the schedule's zone. Lines never contain a
 * newline or a control character, whatever an error message carried.
 */
import { formatProblem, isGazetteError } from '../errors.js';
import { formatInZone } from './cron-wall-time.js';
import type { ResumedSend, RunKind, RunOutcome } from './scheduled-jobs.js';

export interface RunSlot {
  readonly kind: RunKind;
  /** The scheduled time this run is for. */
  readonly slot: Date;
  /** Run on start or after a blocked event loop for a slot that passed unrun. */
  readonly catchUp: boolean;
}

export interface RunDone extends RunSlot {
  readonly started: Date;
  readonly durationMs: number;
  readonly outcome: RunOutcome;
  /** False when a digest slot was not recorded as completed (recipients left pending, or stopped). */
  readonly completed: boolean;
  readonly nextRun: Date | null;
}

export interface RunFailed extends RunSlot {
  readonly started: Date;
  readonly durationMs: number;
  readonly error: unknown;
  readonly nextRun: Date | null;
}

/**
 * busy: another run of this scheduler is still going. locked: another process holds the site's
 * lock. done: the slot was already completed (by another process, or by a catch-up). stopping: a
 * digest that was waiting for a build when the scheduler was told to stop.
 */
export type SkipReason = 'busy' | 'locked' | 'done' | 'stopping';

export interface RunSkipped extends RunSlot {
  readonly at: Date;
  readonly reason: SkipReason;
  /** "previous run still going (digest since …)", "another gazette process is publishing (…)". */
  readonly message: string;
  readonly nextRun: Date | null;
}

export interface ScheduleEntry {
  readonly expression: string;
  readonly nextRun: Date | null;
}

export interface SchedulerStarted {
  readonly at: Date;
  readonly timezone: string;
  readonly build: ScheduleEntry | null;
  readonly digest: ScheduleEntry | null;
  /** The missed digest slot about to be caught up, if any. */
  readonly catchUp: Date | null;
}

export interface SchedulerStopping {
  readonly at: Date;
  readonly inFlight: RunSlot | null;
  readonly timeoutMs: number;
}

export interface SchedulerStopped {
  readonly at: Date;
  /** False when the run in progress did not finish within the timeout and was abandoned. */
  readonly drained: boolean;
  readonly runs: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface RunLog {
  started(e: SchedulerStarted): void;
  run(e: RunDone): void;
  failed(e: RunFailed): void;
  skipped(e: RunSkipped): void;
  /** Anything else worth a line (an unreadable record, a queued digest). */
  notice(at: Date, message: string): void;
  stopping(e: SchedulerStopping): void;
  stopped(e: SchedulerStopped): void;
}

export interface RunLogOptions {
  readonly json: boolean;
  /** The schedule's zone: readable lines show times in it. */
  readonly timezone: string;
  /** Receives each line, without the trailing newline. */
  readonly write: (line: string) => void;
}

export function createRunLog(options: RunLogOptions): RunLog {
  const { json, timezone, write } = options;
  const when = (d: Date | null): string => (d ? formatInZone(d, timezone) : 'none');
  const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
  const emit = (event: string, fields: Record<string, unknown>, text: string): void => {
    write(json ? JSON.stringify({ event, ...fields }) : oneLine(text));
  };
  const slotFields = (e: RunSlot): Record<string, unknown> => ({ kind: e.kind, slot: e.slot.toISOString(), catchUp: e.catchUp });
  const slotText = (e: RunSlot): string => `${e.kind} (slot ${when(e.slot)}${e.catchUp ? ', catch-up' : ''})`;

  return {
    started(e) {
      const entry = (kind: RunKind, s: ScheduleEntry | null): string =>
        s ? `${kind} "${s.expression}" next ${when(s.nextRun)}` : `${kind} not scheduled`;
      const text =
        `${when(e.at)} schedule started (${e.timezone}): ${entry('build', e.build)}; ${entry('digest', e.digest)}` +
        (e.catchUp ? `; digest slot ${when(e.catchUp)} was missed, catching up now` : '');
      emit(
        'started',
        {
          at: e.at.toISOString(),
          timezone: e.timezone,
          build: e.build ? { expression: e.build.expression, nextRun: iso(e.build.nextRun) } : null,
          digest: e.digest ? { expression: e.digest.expression, nextRun: iso(e.digest.nextRun) } : null,
          catchUp: iso(e.catchUp),
        },
        text,
      );
    },
    run(e) {
      const o = e.outcome;
      const resumed = o.resumed ?? [];
      // The outcome's counts cover the whole run; the digest made in it gets its own share.
      const own = {
        sent: o.sent - sum(resumed, 'sent'),
        failed: o.failed - sum(resumed, 'failed'),
        pending: o.pending - sum(resumed, 'pending'),
      };
      const continued = resumed.map(
        (r) => `continued digest ${r.id}: ${r.sent} sent, ${r.failed} failed${r.pending ? `, ${r.pending} left pending` : ''}; `,
      );
      const counts =
        e.kind === 'build'
          ? `${plural(o.articles, 'article')} published`
          : o.digestId === null
            ? `${continued.join('')}nothing new, no digest (${plural(o.articles, 'article')})`
            : `${continued.join('')}digest ${o.digestId}: ${plural(o.articles, 'article')}, ${plural(o.recipients, 'recipient')}, ` +
              `${own.sent} sent, ${own.failed} failed${own.pending ? `, ${own.pending} left pending` : ''}`;
      const incomplete = e.kind === 'digest' && !e.completed ? ' (not completed: caught up on the next start)' : '';
      emit(
        'run',
        {
          ...slotFields(e),
          started: e.started.toISOString(),
          articles: o.articles,
          recipients: o.recipients,
          sent: o.sent,
          failed: o.failed,
          pending: o.pending,
          digestId: o.digestId,
          ...(resumed.length ? { resumed: resumed.map((r) => ({ id: r.id, sent: r.sent, failed: r.failed, pending: r.pending })) } : {}),
          completed: e.completed,
          durationMs: Math.round(e.durationMs),
          nextRun: iso(e.nextRun),
        },
        `${when(e.started)} ${slotText(e)}: ${counts}${incomplete} in ${seconds(e.durationMs)}; next run ${when(e.nextRun)}`,
      );
    },
    failed(e) {
      const { message, code, problems } = describeError(e.error);
      emit(
        'failed',
        {
          ...slotFields(e),
          started: e.started.toISOString(),
          durationMs: Math.round(e.durationMs),
          error: oneLine(message),
          code,
          problems,
          nextRun: iso(e.nextRun),
        },
        `${when(e.started)} ${slotText(e)} failed after ${seconds(e.durationMs)}: ${message}; next run ${when(e.nextRun)}`,
      );
    },
    skipped(e) {
      emit(
        'skipped',
        { ...slotFields(e), at: e.at.toISOString(), reason: e.reason, message: oneLine(e.message), nextRun: iso(e.nextRun) },
        `${when(e.at)} ${slotText(e)} skipped: ${e.message}; next run ${when(e.nextRun)}`,
      );
    },
    notice(at, message) {
      emit('notice', { at: at.toISOString(), message: oneLine(message) }, `${when(at)} ${message}`);
    },
    stopping(e) {
      const waiting = e.inFlight
        ? `waiting up to ${seconds(e.timeoutMs)} for the ${slotText(e.inFlight)} run in progress to finish its messages in flight`
        : 'no run in progress';
      emit(
        'stopping',
        { at: e.at.toISOString(), inFlight: e.inFlight ? slotFields(e.inFlight) : null, timeoutMs: e.timeoutMs },
        `${when(e.at)} stopping: no new runs; ${waiting} (a second signal exits at once)`,
      );
    },
    stopped(e) {
      const drained = e.drained
        ? ''
        : '; the run in progress did not finish in time: messages it had in flight are left uncertain in the ledger (see `gazette sends`)';
      emit(
        'stopped',
        { at: e.at.toISOString(), drained: e.drained, runs: e.runs, failed: e.failed, skipped: e.skipped },
        `${when(e.at)} stopped: ${plural(e.runs, 'run')} done, ${e.failed} failed, ${e.skipped} skipped${drained}`,
      );
    },
  };
}

interface ErrorDescription {
  readonly message: string;
  readonly code: string | null;
  readonly problems: readonly string[];
}

/** A GazetteError's headline and each problem ("gazette.config.json (digest.maxArticles): …"). */
export function describeError(error: unknown): ErrorDescription {
  if (isGazetteError(error)) {
    const headline = error.message.split('\n')[0] ?? '';
    const problems = error.problems.map((p) => oneLine(formatProblem(p)));
    return { message: problems.length ? `${headline}: ${problems.join('; ')}` : oneLine(error.message), code: error.code, problems };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: oneLine(message), code: null, problems: [] };
}

/** Newlines and other control characters become single spaces: one event, one line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

function sum(rows: readonly ResumedSend[], key: 'sent' | 'failed' | 'pending'): number {
  return rows.reduce((total, r) => total + r[key], 0);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
