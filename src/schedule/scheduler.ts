/**
 * `gazette schedule`'s engine: node-cron ticks in, at most one run at a time out.
 *
 * Invariants:
 * - No overlap, anywhere. Inside this process one run goes at a time: a tick that comes while a
 *   run is going is skipped and logged (node-cron's `noOverlap` for a task's own ticks, the same
 *   rule here across tasks and catch-ups) — with one exception: a digest tick during a build
 *   waits for that build and then runs, since skipping it would skip a whole digest. Across
 *   processes, every run holds the site's RunLock; when another process holds it, the tick is
 *   skipped and logged with the holder.
 * - A digest slot is recorded as completed (SlotStore) only after its run finished with nothing
 *   left pending (and, if told to stop, with a digest made); on start, the latest slot missed since the record is
 *   run once (missed-slot.ts). A slot at or before the record is never run again, so two
 *   schedulers on one site, or a catch-up racing a tick, make one digest per slot.
 * - Stopping is two-phase: first no new ticks (the cron tasks are destroyed, a queued digest is
 *   dropped), then the run in progress is told to stop (its AbortSignal: finish the messages in
 *   flight and record them) and awaited up to a timeout. Past the timeout it is abandoned: its
 *   in-flight rows stay `sending`, which the ledger reports as uncertain.
 */
import { createTask, type Logger, type ScheduledTask } from 'node-cron';
import { systemClock, type Clock } from './clock.js';
import { formatInZone } from './cron-wall-time.js';
import { latestMissedSlot } from './missed-slot.js';
import type { RunLock } from './run-lock.js';
import type { RunLog, RunSlot, SkipReason } from './run-log.js';
import type { RunKind, RunOutcome, ScheduledJobs } from './scheduled-jobs.js';
import { readLastDigestSlot, writeLastDigestSlot, type SlotStore } from './slot-record.js';

export interface SchedulerOptions {
  /** IANA zone the expressions are read in (`schedule.timezone`). */
  readonly timezone: string;
  /** `schedule.build`: 5 fields, or 6 with seconds. Absent: no build ticks. */
  readonly build?: string | undefined;
  /** `schedule.digest`. Absent: no digest ticks and no catch-up. */
  readonly digest?: string | undefined;
  readonly jobs: ScheduledJobs;
  readonly lock: RunLock;
  readonly slots: SlotStore;
  readonly log: RunLog;
  /** Decides missed slots and stamps log lines; node-cron's ticks follow the real clock. */
  readonly clock?: Clock;
}

export interface StopOptions {
  /** How long the run in progress may take to finish its messages in flight. */
  readonly timeoutMs: number;
}

export interface StopReport {
  /** False when the run in progress was abandoned at the timeout. */
  readonly drained: boolean;
  readonly runs: number;
  readonly failed: number;
  readonly skipped: number;
}

export interface NextRuns {
  readonly build?: Date;
  readonly digest?: Date;
}

export interface Scheduler {
  /** Two-phase stop (see the module comment). Calling it again returns the same promise. */
  stop(options: StopOptions): Promise<StopReport>;
  /** When each schedule fires next; empty once stopped. */
  nextRuns(): NextRuns;
  /** Resolves with the report once `stop` has finished. */
  readonly done: Promise<StopReport>;
}

interface ActiveRun extends RunSlot {
  readonly started: Date;
  readonly controller: AbortController;
  promise: Promise<void>;
}

interface QueuedDigest {
  readonly slot: Date;
  readonly catchUp: boolean;
  readonly settle: () => void;
}

const KINDS: readonly RunKind[] = ['digest', 'build'];

export function startScheduler(options: SchedulerOptions): Scheduler {
  const { timezone, jobs, lock, slots, log } = options;
  const clock = options.clock ?? systemClock;
  const when = (d: Date): string => formatInZone(d, timezone);
  const tasks = new Map<RunKind, ScheduledTask>();
  const counts = { runs: 0, failed: 0, skipped: 0 };
  let stopping = false;
  let current: ActiveRun | null = null;
  let queuedDigest: QueuedDigest | null = null;
  const missed = new Map<RunKind, Date>();
  let missedFlush: NodeJS.Immediate | null = null;
  let stopPromise: Promise<StopReport> | null = null;
  let resolveDone!: (report: StopReport) => void;
  const done = new Promise<StopReport>((resolve) => (resolveDone = resolve));

  const nextRun = (kind: RunKind): Date | null => tasks.get(kind)?.getNextRun() ?? null;

  const skip = (kind: RunKind, slot: Date, catchUp: boolean, reason: SkipReason, message: string): void => {
    counts.skipped++;
    log.skipped({ kind, slot, catchUp, at: clock.now(), reason, message, nextRun: nextRun(kind) });
  };

  const busyMessage = (kind: RunKind): string => {
    if (kind === 'digest' && queuedDigest) {
      return `previous run still going (digest for slot ${when(queuedDigest.slot)}, waiting for the build in progress)`;
    }
    if (current) return `previous run still going (${current.kind} for slot ${when(current.slot)}, started ${when(current.started)})`;
    return 'previous run still going';
  };

  /** Every tick, catch-up and queued digest comes through here. Never rejects. */
  const onTick = (kind: RunKind, slot: Date, catchUp: boolean): Promise<void> => {
    if (stopping) return Promise.resolve();
    if (current) {
      if (kind === 'digest' && current.kind === 'build' && queuedDigest === null) {
        // The build in progress is about to finish and the digest rebuilds anyway: wait for it.
        return new Promise<void>((settle) => (queuedDigest = { slot, catchUp, settle }));
      }
      skip(kind, slot, catchUp, 'busy', busyMessage(kind));
      return Promise.resolve();
    }
    return startRun(kind, slot, catchUp);
  };

  const startRun = (kind: RunKind, slot: Date, catchUp: boolean): Promise<void> => {
    const run: ActiveRun = { kind, slot, catchUp, started: clock.now(), controller: new AbortController(), promise: Promise.resolve() };
    current = run;
    run.promise = execute(run).finally(() => {
      current = null;
      startQueuedDigest();
    });
    return run.promise;
  };

  const startQueuedDigest = (): void => {
    const queued = queuedDigest;
    if (!queued) return;
    queuedDigest = null;
    if (stopping) {
      skip('digest', queued.slot, queued.catchUp, 'stopping', 'stopping before it could start (caught up on the next start)');
      queued.settle();
      return;
    }
    void startRun('digest', queued.slot, queued.catchUp).finally(queued.settle);
  };

  const execute = async (run: ActiveRun): Promise<void> => {
    const t0 = performance.now();
    const elapsed = (): number => performance.now() - t0;
    const base = { kind: run.kind, slot: run.slot, catchUp: run.catchUp };
    let held = false;
    try {
      const attempt = lock.tryAcquire();
      if (!attempt.acquired) {
        skip(run.kind, run.slot, run.catchUp, 'locked', `another gazette process is publishing (${attempt.holder ?? 'holder unknown'})`);
        return;
      }
      held = true;
      if (run.kind === 'digest') {
        // Read under the lock: another scheduler on this site may have completed this very slot.
        const record = readLastDigestSlot(slots).at;
        if (record && record.getTime() >= run.slot.getTime()) {
          skip(run.kind, run.slot, run.catchUp, 'done', `slot already completed (recorded up to ${when(record)})`);
          return;
        }
      }
      const signal = run.controller.signal;
      const outcome: RunOutcome = run.kind === 'digest' ? await jobs.publish(signal) : await jobs.build(signal);
      // Told to stop, a job that returns no digest may have stopped before making it: not
      // recorded, so the next start catches the slot up (and finds nothing new if it was done).
      const completed = run.kind === 'build' || (outcome.pending === 0 && (!signal.aborted || outcome.digestId !== null));
      if (completed && run.kind === 'digest') writeLastDigestSlot(slots, run.slot);
      counts.runs++;
      log.run({ ...base, started: run.started, durationMs: elapsed(), outcome, completed, nextRun: nextRun(run.kind) });
    } catch (error) {
      counts.failed++;
      log.failed({ ...base, started: run.started, durationMs: elapsed(), error, nextRun: nextRun(run.kind) });
    } finally {
      if (held) releaseQuietly();
    }
  };

  const releaseQuietly = (): void => {
    try {
      lock.release();
    } catch (error) {
      log.notice(clock.now(), `could not release the lock: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  /**
   * node-cron reports each slot it could not fire on time (the event loop was blocked). Coalesced:
   * the latest missed slot of each kind is caught up once, after node-cron has started any run
   * for the current slot (then the catch-up is skipped as busy: that run covers it).
   */
  const onMissed = (kind: RunKind, slot: Date): void => {
    if (stopping) return;
    const previous = missed.get(kind);
    if (!previous || slot > previous) missed.set(kind, slot);
    missedFlush ??= setImmediate(() => {
      missedFlush = null;
      for (const k of KINDS) {
        const at = missed.get(k);
        missed.delete(k);
        if (at) void onTick(k, at, true);
      }
    });
  };

  const cronLogger: Logger = {
    info() {},
    warn() {}, // overlaps and missed slots are logged by the handlers below, once, in our format
    debug() {},
    error(message, err) {
      const text = message instanceof Error ? message.message : `${message}${err ? `: ${err.message}` : ''}`;
      log.notice(clock.now(), `node-cron: ${text}`);
    },
  };

  // --- start ------------------------------------------------------------------------------
  const startedAt = clock.now();
  let catchUp: Date | null = null;
  if (options.digest) {
    const record = readLastDigestSlot(slots);
    if (record.unreadable !== null) {
      log.notice(startedAt, `the recorded last digest slot "${record.unreadable}" is not a time; treated as none`);
    }
    if (record.at === null) writeLastDigestSlot(slots, startedAt);
    else catchUp = latestMissedSlot({ expression: options.digest, timezone, lastCompleted: record.at, now: startedAt });
  }
  for (const kind of KINDS) {
    const expression = kind === 'digest' ? options.digest : options.build;
    if (!expression) continue;
    const task = createTask(expression, (ctx) => onTick(kind, ctx.date, false), {
      name: `gazette-${kind}`,
      timezone,
      noOverlap: true,
      logger: cronLogger,
    });
    task.on('execution:overlap', (ctx) => skip(kind, ctx.date, false, 'busy', busyMessage(kind)));
    task.on('execution:missed', (ctx) => onMissed(kind, ctx.date));
    tasks.set(kind, task);
  }
  for (const task of tasks.values()) void task.start();
  log.started({
    at: startedAt,
    timezone,
    build: options.build ? { expression: options.build, nextRun: nextRun('build') } : null,
    digest: options.digest ? { expression: options.digest, nextRun: nextRun('digest') } : null,
    catchUp,
  });
  if (catchUp) void onTick('digest', catchUp, true);

  // --- stop -------------------------------------------------------------------------------
  const stop = (stopOptions: StopOptions): Promise<StopReport> => {
    stopPromise ??= (async () => {
      // Phase one: no new work.
      stopping = true;
      for (const task of tasks.values()) void task.destroy();
      tasks.clear();
      if (missedFlush) clearImmediate(missedFlush);
      missedFlush = null;
      const inFlight = current;
      log.stopping({ at: clock.now(), inFlight, timeoutMs: stopOptions.timeoutMs });
      startQueuedDigest(); // drops it, with a line
      // Phase two: the run in progress finishes what it has in flight, within the timeout.
      let drained = true;
      if (inFlight) {
        inFlight.controller.abort();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), stopOptions.timeoutMs)));
        drained = await Promise.race([inFlight.promise.then(() => true as const), timedOut]);
        clearTimeout(timer);
        // Abandoned: let the next process have the lock now rather than when it goes stale.
        if (!drained) releaseQuietly();
      }
      const report: StopReport = { drained, ...counts };
      log.stopped({ at: clock.now(), ...report });
      resolveDone(report);
      return report;
    })();
    return stopPromise;
  };

  const nextRuns = (): NextRuns => {
    const build = nextRun('build');
    const digest = nextRun('digest');
    return { ...(build ? { build } : {}), ...(digest ? { digest } : {}) };
  };

  return { stop, nextRuns, done };
}
