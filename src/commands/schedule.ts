/**
 * `gazette schedule`: stay running; rebuild on `schedule.build`, publish on `schedule.digest`
 * (both read in `schedule.timezone`), until SIGTERM or SIGINT.
 *
 * - On start it prints when each schedule fires next, and catches up a digest slot missed while
 *   it was down (once, however many were missed).
 * - Each run reads the config and the content from disk again (`reloadingJobs`): an edit is picked
 *   up at the next tick; a config that became invalid fails that run with a line naming the key,
 *   and the process keeps going. The schedule itself (`schedule.*`) is read once, at start: a
 *   change to it is reported and applies after a restart.
 * - First signal: stop in two phases (no new runs; the run in progress finishes the messages in
 *   flight and records them, within `drainTimeoutMs`), then resolve with exit code 0. A second
 *   signal calls `onForceExit` at once: the CLI exits there and then.
 * - A digest run first continues any earlier send left with recipients to send (stopped by a
 *   signal or a restart, paused, cut off by a crash): the scheduler is what the operator left in
 *   charge, so it does not wait for a manual `gazette resume` (`publishOnSchedule`).
 * - Output: one line per run and per event on `write` — JSON Lines with `--json`, sentences
 *   otherwise. The stream ends with a `stopped` line; the returned result repeats it.
 */
import type { Config } from '../config/index.js';
import { GazetteError } from '../errors.js';
import type { Clock } from '../schedule/clock.js';
import type { RunLock } from '../schedule/run-lock.js';
import { createRunLog } from '../schedule/run-log.js';
import type { ResumedSend, RunOutcome, ScheduledJobs } from '../schedule/scheduled-jobs.js';
import { startScheduler, type StopReport } from '../schedule/scheduler.js';
import type { SlotStore } from '../schedule/slot-record.js';
import type { Store } from '../state/index.js';
import type { CommandResult, Reporter } from './command-result.js';
import { sendDigest } from './digest-job.js';
import { runPublish, unfinishedSends } from './publish.js';

/** How long the run in progress may take to finish its messages in flight after a signal. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 20_000;

export type StopSignal = 'SIGTERM' | 'SIGINT';
const SIGNALS: readonly StopSignal[] = ['SIGTERM', 'SIGINT'];

export interface ScheduleCommandOptions {
  readonly json: boolean;
  /** The runs; build them with `reloadingJobs` so that each run reads config and content anew. */
  readonly jobs: ScheduledJobs;
  /** The site's inter-process lock, the one `gazette publish` takes (createStoreRunLock). */
  readonly lock: RunLock;
  /** Where the last completed digest slot is recorded: the state store. */
  readonly slots: SlotStore;
  /** Receives the output, one line at a time, each ending with "\n". */
  readonly write: (text: string) => void;
  /** Where SIGTERM and SIGINT arrive; `process` unless a test sends its own. */
  readonly signals?: NodeJS.EventEmitter;
  /** The second signal: exit now, without waiting. Only the CLI may call `process.exit`. */
  readonly onForceExit: (signal: StopSignal) => void;
  readonly drainTimeoutMs?: number;
  readonly clock?: Clock;
}

export async function scheduleCommand(config: Config, _reporter: Reporter, options: ScheduleCommandOptions): Promise<CommandResult> {
  checkScheduleConfig(config);
  const { timezone, build, digest } = config.schedule;
  const signals = options.signals ?? process;
  const timeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
  let lastLine = '';
  const log = createRunLog({
    json: options.json,
    timezone,
    write: (line) => {
      lastLine = line;
      options.write(`${line}\n`);
    },
  });

  const scheduler = startScheduler({
    timezone,
    build,
    digest,
    jobs: options.jobs,
    lock: options.lock,
    slots: options.slots,
    log,
    ...(options.clock ? { clock: options.clock } : {}),
  });

  let received = 0;
  const onSignal = (signal: StopSignal): void => {
    received++;
    if (received === 1) void scheduler.stop({ timeoutMs });
    else options.onForceExit(signal);
  };
  const handlers = SIGNALS.map((name) => [name, () => onSignal(name)] as const);
  for (const [name, handler] of handlers) signals.on(name, handler);
  let report: StopReport;
  try {
    report = await scheduler.done;
  } finally {
    for (const [name, handler] of handlers) signals.off(name, handler);
  }
  // The `stopped` line is the last one written before `done` resolves.
  return { exitCode: 0, text: lastLine, json: { event: 'stopped', ...report } };
}

/** Nothing to schedule, or a digest with no way to send it: a config error naming the key. */
export function checkScheduleConfig(config: Config): void {
  const file = config.file ?? 'config';
  if (!config.schedule.build && !config.schedule.digest) {
    throw GazetteError.fromProblems('CONFIG', `${file}: nothing to schedule`, [
      { file, key: 'schedule', message: 'set schedule.build and/or schedule.digest, e.g. "build": "*/15 * * * *", "digest": "0 8 * * 1"' },
    ]);
  }
  if (config.schedule.digest && !config.email) {
    throw GazetteError.fromProblems('CONFIG', `${file}: schedule.digest is set but the digest cannot be sent`, [
      { file, key: 'email', message: 'required to send the digest: add "email" with "from" and "postalAddress"' },
    ]);
  }
}

/** Runs the real work with a config given; `reloadingJobs` supplies a fresh one each time. */
export interface ConfiguredJobs {
  build(config: Config, signal: AbortSignal): Promise<RunOutcome>;
  publish(config: Config, signal: AbortSignal): Promise<RunOutcome>;
}

/**
 * Jobs that read the config from disk before each run (`load` is `loadConfig` with the CLI's
 * options), so content and config edits apply at the next tick. A config that no longer loads
 * makes the run throw its GazetteError, which the scheduler reports. A changed `schedule.*` is
 * reported (once per new value) and otherwise ignored until a restart.
 */
export function reloadingJobs(
  initial: Config,
  load: () => Promise<Config>,
  jobs: ConfiguredJobs,
  reporter: Reporter,
): ScheduledJobs {
  const running = scheduleKey(initial);
  let reported = running;
  const fresh = async (): Promise<Config> => {
    const config = await load();
    const key = scheduleKey(config);
    if (key !== running && key !== reported) {
      reported = key;
      reporter.warn(
        `${config.file ?? 'config'}: schedule changed (${describeSchedule(initial)} → ${describeSchedule(config)}); ` +
          'restart `gazette schedule` to apply it',
      );
    }
    return config;
  };
  return {
    build: async (signal) => jobs.build(await fresh(), signal),
    publish: async (signal) => jobs.publish(await fresh(), signal),
  };
}

function scheduleKey(config: Config): string {
  const { build, digest, timezone } = config.schedule;
  return JSON.stringify([build ?? null, digest ?? null, timezone]);
}

function describeSchedule(config: Config): string {
  const { build, digest, timezone } = config.schedule;
  return `build ${build ? `"${build}"` : 'unset'}, digest ${digest ? `"${digest}"` : 'unset'}, ${timezone}`;
}

export interface PublishOnScheduleOptions {
  /** The scheduler's stop signal: finish the messages in flight, start nothing new. */
  readonly signal: AbortSignal;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The scheduler's digest run, under the send lock. First it continues every earlier digest that
 * still has recipients to send, oldest first, exactly as `gazette resume ID` would (recipients left
 * `sending` by a crash stay uncertain and are not resent); then, unless told to stop meanwhile, it
 * does what `gazette publish` does: build, and send the digest of what is new.
 *
 * Without the first step a send stopped by a restart would be left for a human to notice: the
 * catch-up run after the restart would find nothing new (the stopped digest covers it), record
 * the slot as completed, and the recipients still pending would never get the digest.
 */
export async function publishOnSchedule(config: Config, store: Store, reporter: Reporter, options: PublishOnScheduleOptions): Promise<RunOutcome> {
  const { signal, env } = options;
  const resumed: ResumedSend[] = [];
  const unfinished = unfinishedSends(store);
  for (const { id } of unfinished) {
    if (signal.aborted) break;
    reporter.info(`continuing digest ${id}, which did not finish`);
    const send = await sendDigest(config, store, id, { signal, env });
    resumed.push({ id, sent: send.sentThisRun, failed: send.failedThisRun, pending: send.pending });
  }
  const totals = (extra: { sent: number; failed: number; pending: number }) => ({
    sent: extra.sent + resumed.reduce((n, r) => n + r.sent, 0),
    failed: extra.failed + resumed.reduce((n, r) => n + r.failed, 0),
    // A send not reached before the stop still has all of its recipients pending.
    pending: extra.pending + resumed.reduce((n, r) => n + r.pending, 0) + notReached(unfinished, resumed),
  });
  const withResumed = resumed.length ? { resumed } : {};
  if (signal.aborted) {
    // Stopped before publishing: no digest made, so the slot is caught up on the next start.
    return { articles: 0, recipients: 0, ...totals({ sent: 0, failed: 0, pending: 0 }), digestId: null, ...withResumed };
  }
  const r = await runPublish(config, store, reporter, { dryRun: false, signal, env });
  const send = r.digest?.send ?? null;
  return {
    articles: r.digest?.articles ?? 0,
    recipients: r.digest?.recipients ?? 0,
    ...totals({ sent: send?.sentThisRun ?? 0, failed: send?.failedThisRun ?? 0, pending: send?.pending ?? 0 }),
    digestId: r.digest?.id ?? null,
    ...withResumed,
  };
}

function notReached(unfinished: readonly { id: string; pending: number }[], resumed: readonly ResumedSend[]): number {
  const done = new Set(resumed.map((r) => r.id));
  return unfinished.filter((s) => !done.has(s.id)).reduce((n, s) => n + s.pending, 0);
}
