// A scheduler on a real SQLite state in a temp folder, with jobs that record their calls and take
// time the way a build or a send does. node-cron runs for real, on schedules in seconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/schedule/clock.js';
import type { RunLock } from '../../src/schedule/run-lock.js';
import { createRunLog } from '../../src/schedule/run-log.js';
import type { RunKind, RunOutcome, ScheduledJobs } from '../../src/schedule/scheduled-jobs.js';
import { startScheduler, type Scheduler } from '../../src/schedule/scheduler.js';
import { createStoreRunLock } from '../../src/schedule/store-run-lock.js';
import { openStore, thisProcessLockOwner, type Store } from '../../src/state/index.js';

import { sleep, waitFor } from '../helpers/wait.js';

export { sleep, waitFor };

export function outcome(overrides: Partial<RunOutcome> = {}): RunOutcome {
  return { articles: 2, recipients: 3, sent: 3, failed: 0, pending: 0, digestId: 'd-2026-05-04', ...overrides };
}

export interface JobCall {
  readonly kind: RunKind;
  readonly n: number;
  readonly started: number;
  ended: number | null;
  abortedAt: number | null;
}

/** What one call does: given its number (1-based) and signal, return (or throw) after a while. */
export type JobBody = (n: number, signal: AbortSignal) => Promise<RunOutcome>;

export function delayed(ms: number, result: RunOutcome = outcome()): JobBody {
  return async () => {
    await sleep(ms);
    return result;
  };
}

export interface FakeJobs {
  readonly jobs: ScheduledJobs;
  readonly calls: JobCall[];
  /** The most runs that were going at one moment, over both kinds. */
  maxConcurrent(): number;
  count(kind: RunKind): number;
}

export function fakeJobs(bodies: { build?: JobBody; publish?: JobBody }): FakeJobs {
  const calls: JobCall[] = [];
  let running = 0;
  let max = 0;
  const wrap =
    (kind: RunKind, body: JobBody | undefined) =>
    async (signal: AbortSignal): Promise<RunOutcome> => {
      const call: JobCall = { kind, n: calls.filter((c) => c.kind === kind).length + 1, started: Date.now(), ended: null, abortedAt: null };
      calls.push(call);
      signal.addEventListener('abort', () => (call.abortedAt = Date.now()), { once: true });
      running++;
      max = Math.max(max, running);
      try {
        if (!body) throw new Error(`unexpected ${kind} call`);
        return await body(call.n, signal);
      } finally {
        running--;
        call.ended = Date.now();
      }
    };
  return {
    jobs: { build: wrap('build', bodies.build), publish: wrap('digest', bodies.publish) },
    calls,
    maxConcurrent: () => max,
    count: (kind) => calls.filter((c) => c.kind === kind).length,
  };
}

export interface Harness {
  readonly scheduler: Scheduler;
  readonly store: Store;
  readonly root: string;
  readonly lines: string[];
  /** The JSON lines, parsed. */
  events(): Record<string, unknown>[];
  eventsOf(event: string): Record<string, unknown>[];
  cleanup(): Promise<void>;
}

export interface HarnessOptions {
  readonly build?: string;
  readonly digest?: string;
  readonly timezone?: string;
  readonly jobs: ScheduledJobs;
  readonly json?: boolean;
  readonly clock?: Clock;
  /** Prepare the state before the scheduler starts (a recorded slot, a lock held elsewhere). */
  readonly before?: (store: Store) => void;
  readonly lock?: (store: Store) => RunLock;
}

export function startHarness(options: HarnessOptions): Harness {
  const root = mkdtempSync(join(tmpdir(), 'gazette-schedule-'));
  const store = openStore(root);
  options.before?.(store);
  const lines: string[] = [];
  const timezone = options.timezone ?? 'UTC';
  const lock = options.lock?.(store) ?? createStoreRunLock({ store, owner: thisProcessLockOwner() });
  const scheduler = startScheduler({
    timezone,
    build: options.build,
    digest: options.digest,
    jobs: options.jobs,
    lock,
    slots: store,
    log: createRunLog({ json: options.json ?? true, timezone, write: (line) => lines.push(line) }),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const events = (): Record<string, unknown>[] => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    scheduler,
    store,
    root,
    lines,
    events,
    eventsOf: (event) => events().filter((e) => e.event === event),
    async cleanup() {
      await scheduler.stop({ timeoutMs: 5_000 });
      store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
