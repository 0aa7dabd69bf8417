/**
 * Runs parse tasks on every core: the main thread works through the queue in small batches while
 * worker threads take batches too, one ahead, so nobody waits for work. Results come back in task
 * order whoever ran them, so the build's output never depends on scheduling.
 *
 * A worker costs a module load and its own JIT warm-up (~0.5 s of CPU) before it pays back, so
 * workers start only for enough work (MIN_TASKS_FOR_WORKERS); below it, and when the compiled
 * worker file is absent (running from TypeScript sources, as the unit tests do), everything runs
 * on the main thread. Measured on a 2-vCPU machine: 10,000 articles parse 1.25-1.4x faster on two
 * threads than on one (the threads share the core's caches); a worker that dies is replaced by
 * the main thread, never a failed build.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createParseContext, runParseTask, type ParseResult, type ParseSetup, type ParseTask } from './parse-task.js';
import type { PageRenderer } from '../render/pages.js';
import type { WorkerReply, WorkerRequest } from './parse-worker.js';

export interface PoolOptions {
  /** Threads to use in all, the main one included. Default: the machine's cores, at most 4. */
  readonly threads?: number;
  /** Fewest tasks worth starting workers for. */
  readonly minTasksForWorkers?: number;
  /** Cap on each worker's old-generation heap (MB); V8's default when absent. */
  readonly workerHeapMb?: number;
  /** The page renderer the main thread renders with (made from the setup's templates otherwise). */
  readonly mainRenderer?: () => PageRenderer;
  /**
   * Whether the main thread parses too (default true). When false it only hands out batches,
   * unless no worker is left to take them.
   */
  readonly mainThreadParses?: boolean;
}

/** Files per batch: small enough to balance the end of the run, large enough to amortise messages. */
const BATCH = 32;
export const MIN_TASKS_FOR_WORKERS = 2000;
const WORKER_SCRIPT = new URL('./parse-worker.js', import.meta.url);

export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

export interface ParseRun {
  /** One per task, in task order. */
  readonly results: ParseResult[];
  /** How many batches worker threads ran (0: all ran on the main thread). */
  readonly workerBatches: number;
}

/**
 * `onResult` sees each result on the main thread as soon as it arrives, whichever thread ran it,
 * and may replace it (the build writes a rendered page out there, and keeps only its name).
 */
export async function runParseTasks(
  tasks: readonly ParseTask[],
  setup: ParseSetup,
  options: PoolOptions = {},
  onResult: (r: ParseResult) => ParseResult = (r) => r,
): Promise<ParseRun> {
  const results = new Array<ParseResult>(tasks.length);
  const put = (batchResults: readonly ParseResult[]): void => {
    for (const r of batchResults) results[r.index] = onResult(r);
  };
  const threads = options.threads ?? defaultThreads();
  const minTasks = options.minTasksForWorkers ?? MIN_TASKS_FOR_WORKERS;
  const workerCount = tasks.length >= minTasks && existsSync(fileURLToPath(WORKER_SCRIPT)) ? Math.min(threads - 1, Math.floor(tasks.length / minTasks) + 1) : 0;

  // Tasks carry their own index; renumber so results land at the caller's positions.
  const queue: ParseTask[][] = [];
  for (let i = 0; i < tasks.length; i += BATCH) queue.push(tasks.slice(i, i + BATCH).map((t, j) => ({ ...t, index: i + j })));
  const ctx = createParseContext(setup, options.mainRenderer);
  if (workerCount <= 0) {
    for (const batch of queue) put(batch.map((t) => runParseTask(t, ctx)));
    return { results, workerBatches: 0 };
  }

  const slots: WorkerSlot[] = [];
  let stopping = false;
  let workerBatches = 0;
  let wake: (() => void) | undefined;
  const settle = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const send = (slot: WorkerSlot): void => {
    const batch = queue.shift();
    if (!batch || !slot.alive) {
      if (batch) queue.unshift(batch);
      return;
    }
    const id = batch[0]!.index;
    slot.inFlight.set(id, batch);
    slot.worker.postMessage({ batch: id, tasks: batch } satisfies WorkerRequest);
  };
  // A worker that dies (out of memory, a crash) costs time, not the build: the main thread takes
  // its batches back. A batch whose task threw in a worker is run again on the main thread, where
  // the same error surfaces with its real stack.
  const retire = (slot: WorkerSlot): void => {
    if (!slot.alive) return;
    slot.alive = false;
    queue.unshift(...slot.inFlight.values());
    slot.inFlight.clear();
    settle();
  };
  for (let n = 0; n < workerCount; n++) {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SCRIPT, {
        workerData: setup,
        resourceLimits: {
          // A larger young generation: parsing makes short-lived garbage at a great rate.
          maxYoungGenerationSizeMb: 48,
          ...(options.workerHeapMb ? { maxOldGenerationSizeMb: options.workerHeapMb } : {}),
        },
      });
    } catch {
      break; // no worker (out of threads or memory): the main thread does it all
    }
    const slot: WorkerSlot = { worker, alive: true, inFlight: new Map() };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') {
        // Two batches in hand: the next one waits in the worker while it runs this one.
        send(slot);
        send(slot);
      } else if (reply.type === 'done') {
        slot.inFlight.delete(reply.batch);
        put(reply.results);
        workerBatches++;
        send(slot);
      } else {
        const batch = slot.inFlight.get(reply.batch);
        slot.inFlight.delete(reply.batch);
        if (batch) queue.unshift(batch);
      }
      settle();
    });
    worker.on('error', () => retire(slot));
    worker.on('exit', () => {
      if (!stopping) retire(slot);
    });
    slots.push(slot);
  }

  try {
    // The main thread takes batches too, yielding between them so worker replies are handled.
    const mainParses = options.mainThreadParses !== false;
    for (;;) {
      const batch = mainParses || !slots.some((s) => s.alive) ? queue.shift() : undefined;
      if (batch) {
        put(batch.map((t) => runParseTask(t, ctx)));
        await new Promise<void>((resolve) => setImmediate(resolve));
      } else if (slots.some((s) => s.inFlight.size > 0 || (s.alive && queue.length > 0))) {
        await new Promise<void>((resolve) => (wake = resolve));
      } else {
        return { results, workerBatches };
      }
    }
  } finally {
    stopping = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

interface WorkerSlot {
  readonly worker: Worker;
  alive: boolean;
  /** Batches sent and not yet answered, by their first task's index. */
  readonly inFlight: Map<number, ParseTask[]>;
}
