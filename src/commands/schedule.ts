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
 * - Output: one line per run and per event on `write` — JSON Lines with `--json`, sentences
 *   otherwise. The stream ends with a `stopped` line; the returned result repeats it.
 */
import type { Config } from '../config/index.js';
import { GazetteError } from '../errors.js';
import type { Clock } from '../schedule/clock.js';
import type { RunLock } from '../schedule/run-lock.js';
import { createRunLog } from '../schedule/run-log.js';
import type { RunOutcome, ScheduledJobs } from '../schedule/scheduled-jobs.js';
import { startScheduler, type StopReport } from '../schedule/scheduler.js';
import type { SlotStore } from '../schedule/slot-record.js';
import type { CommandResult, Reporter } from './command-result.js';

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
