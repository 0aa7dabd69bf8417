// The scheduler with a real node-cron schedule in seconds, a real SQLite state (slot record and
// inter-process lock) and jobs that take time. Asserts on what the operator sees: the log lines,
// the recorded slot, the lock, and when each job ran.
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import { LAST_DIGEST_SLOT_KEY } from '../../src/schedule/slot-record.js';
import { SEND_LOCK_NAME } from '../../src/schedule/store-run-lock.js';
import { delayed, fakeJobs, outcome, sleep, startHarness, waitFor, type Harness } from './harness.js';

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.cleanup();
  harness = null;
});

const EVERY_SECOND = '* * * * * *';

describe('ticks', () => {
  it('runs the digest each tick, records the slot, and writes one JSON line per run', async () => {
    const fake = fakeJobs({ publish: delayed(50) });
    harness = startHarness({ digest: EVERY_SECOND, jobs: fake.jobs });
    const h = harness;
    await waitFor('two digest runs', () => h.eventsOf('run').length >= 2);

    const started = h.eventsOf('started')[0]!;
    expect(started.digest).toMatchObject({ expression: EVERY_SECOND });
    expect(Date.parse((started.digest as { nextRun: string }).nextRun)).toBeGreaterThan(Date.now() - 5_000);
    expect(started.build).toBeNull();

    const runs = h.eventsOf('run');
    for (const run of runs) {
      expect(run).toMatchObject({ kind: 'digest', articles: 2, recipients: 3, sent: 3, failed: 0, pending: 0, catchUp: false, completed: true });
      expect(new Date(run.slot as string).getUTCMilliseconds()).toBe(0);
      expect(typeof run.durationMs).toBe('number');
      expect(Date.parse(run.started as string)).toBeGreaterThanOrEqual(Date.parse(run.slot as string));
      expect(Date.parse(run.nextRun as string)).toBeGreaterThan(Date.parse(run.slot as string));
    }
    // The record is the slot of the last completed run (read while no run is going).
    await h.scheduler.stop({ timeoutMs: 2_000 });
    expect(h.store.getMeta(LAST_DIGEST_SLOT_KEY)).toBe(h.eventsOf('run').at(-1)!.slot);
    expect(h.lines.every((l) => !l.includes('\n'))).toBe(true);
  });

  it('skips and logs a tick while the previous run is still going; runs never overlap', async () => {
    const fake = fakeJobs({ publish: delayed(2_300) });
    harness = startHarness({ digest: EVERY_SECOND, jobs: fake.jobs, json: false });
    const h = harness;
    await waitFor('a run and a skipped tick', () => fake.calls.some((c) => c.ended !== null) && h.lines.some((l) => l.includes('skipped')));
    await sleep(1_200);
    await h.scheduler.stop({ timeoutMs: 5_000 });

    expect(fake.maxConcurrent()).toBe(1);
    const skipped = h.lines.filter((l) => l.includes('skipped: previous run still going (digest for slot'));
    expect(skipped.length).toBeGreaterThanOrEqual(1);
    // A skipped tick is not a run: the job ran far fewer times than there were ticks.
    expect(fake.count('digest')).toBeLessThanOrEqual(3);
    // Readable lines start with the time and say what happened.
    expect(h.lines.find((l) => / digest \(slot .*\): digest d-2026-05-04: 2 articles, 3 recipients, 3 sent, 0 failed in /.test(l))).toBeDefined();
  });

  it('a digest tick during a build waits for the build, then runs', async () => {
    // Builds on odd seconds take 1.5 s, so every digest tick (even seconds) finds one going.
    const fake = fakeJobs({ build: delayed(1_500, outcome({ recipients: 0, sent: 0, digestId: null })), publish: delayed(100) });
    harness = startHarness({ build: '1-59/2 * * * * *', digest: '*/2 * * * * *', jobs: fake.jobs });
    const h = harness;
    await waitFor('three digests after a build', () => h.eventsOf('run').filter((e) => e.kind === 'digest').length >= 3, 15_000);
    await h.scheduler.stop({ timeoutMs: 5_000 });

    expect(fake.maxConcurrent()).toBe(1);
    expect(h.eventsOf('skipped').filter((e) => e.kind === 'digest')).toEqual([]);
    const digests = h.eventsOf('run').filter((e) => e.kind === 'digest');
    // Each digest started once the build going at its slot had finished, and each slot ran once.
    const waited = digests.filter((e) => Date.parse(e.started as string) - Date.parse(e.slot as string) >= 400);
    expect(waited.length).toBeGreaterThanOrEqual(digests.length - 1); // the first may have had no build before it
    expect(new Set(digests.map((e) => e.slot)).size).toBe(digests.length);
  });

  it('a build tick during a digest is skipped and logged', async () => {
    // Digests on even seconds take 1.5 s, so every build tick (odd seconds) finds one going.
    const fake = fakeJobs({ build: delayed(50, outcome({ digestId: null })), publish: delayed(1_500) });
    harness = startHarness({ build: '1-59/2 * * * * *', digest: '*/2 * * * * *', jobs: fake.jobs, json: false });
    const h = harness;
    await waitFor('two digests', () => fake.calls.filter((c) => c.kind === 'digest' && c.ended !== null).length >= 2, 15_000);
    await h.scheduler.stop({ timeoutMs: 5_000 });

    expect(fake.maxConcurrent()).toBe(1);
    expect(fake.count('build')).toBeLessThanOrEqual(1); // only a build before the first digest
    expect(h.lines.filter((l) => / build \(slot .*\) skipped: previous run still going \(digest for slot /.test(l)).length).toBeGreaterThanOrEqual(1);
  });
});

describe('a run that fails', () => {
  it('an invalid config is reported with its key, that run is skipped, the next tick runs', async () => {
    const fake = fakeJobs({
      publish: async (n) => {
        if (n === 2) {
          throw GazetteError.fromProblems('CONFIG', 'gazette.config.json: invalid config', [
            { file: 'gazette.config.json', key: 'digest.maxArticles', message: 'Too big: expected number to be <=100' },
          ]);
        }
        await sleep(30);
        return outcome();
      },
    });
    harness = startHarness({ digest: EVERY_SECOND, jobs: fake.jobs });
    const h = harness;
    await waitFor('a run after the failed one', () => fake.count('digest') >= 3 && h.eventsOf('run').length >= 2);
    await h.scheduler.stop({ timeoutMs: 2_000 });

    const failed = h.eventsOf('failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ kind: 'digest', code: 'CONFIG', problems: ['gazette.config.json (digest.maxArticles): Too big: expected number to be <=100'] });
    expect(failed[0]!.error).toContain('digest.maxArticles');
    const runs = h.eventsOf('run');
    expect(runs.length).toBeGreaterThanOrEqual(2);
    // The failed slot was not recorded: the record is a completed run's slot.
    expect(runs.map((r) => r.slot)).toContain(h.store.getMeta(LAST_DIGEST_SLOT_KEY));
    expect(h.store.getMeta(LAST_DIGEST_SLOT_KEY)).not.toBe(failed[0]!.slot);
  });

  it('a digest left with recipients pending is not recorded as completed', async () => {
    const fake = fakeJobs({ publish: delayed(20, outcome({ sent: 1, pending: 2 })) });
    harness = startHarness({ digest: EVERY_SECOND, jobs: fake.jobs });
    const h = harness;
    const baseline = h.store.getMeta(LAST_DIGEST_SLOT_KEY);
    await waitFor('a run', () => h.eventsOf('run').length >= 1);
    await h.scheduler.stop({ timeoutMs: 2_000 });
    expect(h.eventsOf('run')[0]).toMatchObject({ pending: 2, completed: false });
    expect(h.store.getMeta(LAST_DIGEST_SLOT_KEY)).toBe(baseline);
  });
});

describe('the inter-process lock', () => {
  // Another live process on this host (our parent) holds the site's lock.
  const other = { pid: process.ppid, host: hostname(), startedAt: new Date('2026-05-04T07:59:00Z') };

  it('while another process holds it, digest ticks are skipped with its pid and nothing is recorded', async () => {
    const fake = fakeJobs({ publish: delayed(10) });
    harness = startHarness({
      digest: EVERY_SECOND,
      jobs: fake.jobs,
      json: false,
      before: (store) => expect(store.acquireLock(SEND_LOCK_NAME, other, 60_000)).toBe(true),
    });
    const h = harness;
    const baseline = h.store.getMeta(LAST_DIGEST_SLOT_KEY);
    await waitFor('two skipped ticks', () => h.lines.filter((l) => l.includes('skipped')).length >= 2);
    expect(fake.count('digest')).toBe(0);
    expect(h.lines.filter((l) => l.includes('skipped')).every((l) => l.includes(`skipped: another gazette process is publishing (pid ${process.ppid} on ${hostname()})`))).toBe(true);
    expect(h.store.getMeta(LAST_DIGEST_SLOT_KEY)).toBe(baseline);

    // Once the other process lets go, the next tick runs.
    h.store.releaseLock(SEND_LOCK_NAME, other);
    await waitFor('a run', () => fake.count('digest') >= 1);
  });

  it('is held during a run and released after it', async () => {
    let holderDuringRun: unknown = 'unset';
    harness = startHarness({
      digest: EVERY_SECOND,
      jobs: fakeJobs({
        publish: async () => {
          holderDuringRun = harness?.store.lockHolder(SEND_LOCK_NAME);
          await sleep(20);
          return outcome();
        },
      }).jobs,
    });
    const h = harness;
    await waitFor('a run', () => h.eventsOf('run').length >= 1);
    await h.scheduler.stop({ timeoutMs: 2_000 });
    expect(holderDuringRun).toMatchObject({ pid: process.pid, host: hostname() });
    expect(h.store.lockHolder(SEND_LOCK_NAME)).toBeUndefined();
  });
});

describe('two-phase stop', () => {
  /** A send: one message every 100 ms until told to stop, then the one in flight finishes. */
  const sending = (sentLog: number[]) => async (_n: number, signal: AbortSignal) => {
    let sent = 0;
    while (!signal.aborted && sent < 100) {
      await sleep(100); // a message in flight
      sent++;
      sentLog.push(Date.now());
    }
    return outcome({ recipients: 100, sent, pending: 100 - sent });
  };

  it('stops taking ticks, lets the run in progress finish its messages in flight, then resolves', async () => {
    const sentLog: number[] = [];
    const fake = fakeJobs({ publish: sending(sentLog) });
    harness = startHarness({ digest: EVERY_SECOND, jobs: fake.jobs });
    const h = harness;
    await waitFor('a send under way', () => sentLog.length >= 3);

    const stopAt = Date.now();
    const report = await h.scheduler.stop({ timeoutMs: 5_000 });
    const stoppedAt = Date.now();
    const call = fake.calls[0]!;
    expect(call.abortedAt).not.toBeNull();
    expect(call.ended).not.toBeNull();
    expect(call.ended!).toBeLessThanOrEqual(stoppedAt);
    expect(stoppedAt - stopAt).toBeLessThan(1_000);
    expect(report).toMatchObject({ drained: true, runs: 1, failed: 0 });

    // The interrupted digest is reported, not recorded as completed; the lock is free.
    const run = h.eventsOf('run')[0]!;
    expect(run).toMatchObject({ kind: 'digest', completed: false });
    expect(run.pending as number).toBeGreaterThan(0);
    expect(h.store.lockHolder(SEND_LOCK_NAME)).toBeUndefined();
    expect(h.eventsOf('stopping')[0]).toMatchObject({ inFlight: { kind: 'digest' } });
    expect(h.eventsOf('stopped')[0]).toMatchObject({ drained: true });

    // No tick after the stop.
    await sleep(1_500);
    expect(fake.count('digest')).toBe(1);
    expect(h.scheduler.nextRuns()).toEqual({});
    await expect(h.scheduler.done).resolves.toEqual(report);
  });

  it('a digest that finished anyway while stopping is recorded; one stopped before making a digest is not', async () => {
    for (const [result, recorded] of [
      [outcome({ digestId: 'd1', pending: 0 }), true],
      [outcome({ digestId: null, articles: 0, recipients: 0, sent: 0 }), false],
    ] as const) {
      const fake = fakeJobs({ publish: delayed(600, result) });
      const h = startHarness({ digest: EVERY_SECOND, jobs: fake.jobs });
      const baseline = h.store.getMeta(LAST_DIGEST_SLOT_KEY);
      await waitFor('a run under way', () => fake.count('digest') === 1);
      await h.scheduler.stop({ timeoutMs: 5_000 });
      const run = h.eventsOf('run')[0]!;
      expect(run.completed).toBe(recorded);
      expect(h.store.getMeta(LAST_DIGEST_SLOT_KEY)).toBe(recorded ? run.slot : baseline);
      await h.cleanup();
    }
  });

  it('abandons a run that does not stop within the timeout, and frees the lock', async () => {
    const fake = fakeJobs({ publish: delayed(8_000) }); // ignores the signal
    harness = startHarness({ digest: EVERY_SECOND, jobs: fake.jobs });
    const h = harness;
    await waitFor('a run under way', () => fake.count('digest') === 1);
    const t0 = Date.now();
    const report = await h.scheduler.stop({ timeoutMs: 300 });
    const took = Date.now() - t0;
    expect(report.drained).toBe(false);
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1_500);
    expect(h.store.lockHolder(SEND_LOCK_NAME)).toBeUndefined();
    expect(h.eventsOf('stopped')[0]).toMatchObject({ drained: false });
    expect(h.store.getMeta(LAST_DIGEST_SLOT_KEY)).not.toBe(h.eventsOf('stopping')[0]!.slot);
  });

  it('drops a digest waiting for a build, with a line, and records nothing for it', async () => {
    // A long build (it stops when told to) and a digest every second: a digest tick during the
    // build waits for it; the next digest tick is skipped, since one is already waiting.
    const untilAborted = async (_n: number, signal: AbortSignal) => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
      return outcome({ recipients: 0, sent: 0, digestId: null });
    };
    const fake = fakeJobs({ build: untilAborted, publish: delayed(10) });
    harness = startHarness({ build: EVERY_SECOND, digest: EVERY_SECOND, jobs: fake.jobs });
    const h = harness;
    // node-cron drops ticks that fire late, which a machine busy with other test files can make
    // every tick for a while: give the first build room to start.
    await waitFor('a build going for 2.3 s', () => fake.calls.some((c) => c.kind === 'build' && c.ended === null && Date.now() - c.started > 2_300), 30_000);
    const digests = fake.count('digest');
    const record = h.store.getMeta(LAST_DIGEST_SLOT_KEY);
    const waiting = h.eventsOf('skipped').filter((e) => e.kind === 'digest');
    expect(waiting.length).toBeGreaterThanOrEqual(1);
    for (const skipped of waiting) {
      expect(skipped.message).toMatch(/^previous run still going \(digest for slot .*, waiting for the build in progress\)$/);
    }

    await h.scheduler.stop({ timeoutMs: 5_000 });
    const dropped = h.eventsOf('skipped').filter((e) => e.reason === 'stopping');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ kind: 'digest', message: 'stopping before it could start (caught up on the next start)' });
    expect(fake.count('digest')).toBe(digests);
    expect(h.store.getMeta(LAST_DIGEST_SLOT_KEY)).toBe(record);
  });
});

describe('missed slots on start (injected clock, real state)', () => {
  const WEEKLY = '0 8 * * 1';
  const fixedClock = (iso: string) => ({ now: () => new Date(iso) });

  it('down over five slots: one catch-up run, for the latest slot, recorded', async () => {
    const fake = fakeJobs({ publish: delayed(20) });
    harness = startHarness({
      digest: WEEKLY,
      timezone: 'Europe/Berlin',
      jobs: fake.jobs,
      clock: fixedClock('2026-04-06T08:00:00Z'),
      before: (store) => store.setMeta(LAST_DIGEST_SLOT_KEY, '2026-03-02T07:00:00.000Z'),
    });
    const h = harness;
    expect(h.eventsOf('started')[0]).toMatchObject({ catchUp: '2026-04-06T06:00:00.000Z' });
    await waitFor('the catch-up run', () => h.eventsOf('run').length === 1);
    await sleep(1_200);
    expect(fake.count('digest')).toBe(1);
    expect(h.eventsOf('run')[0]).toMatchObject({ kind: 'digest', slot: '2026-04-06T06:00:00.000Z', catchUp: true, completed: true });
    expect(h.store.getMeta(LAST_DIGEST_SLOT_KEY)).toBe('2026-04-06T06:00:00.000Z');
  });

  it('down over one slot: one catch-up run', async () => {
    const fake = fakeJobs({ publish: delayed(20) });
    harness = startHarness({
      digest: WEEKLY,
      timezone: 'Europe/Berlin',
      jobs: fake.jobs,
      clock: fixedClock('2026-03-09T09:00:00Z'),
      before: (store) => store.setMeta(LAST_DIGEST_SLOT_KEY, '2026-03-02T07:00:00.000Z'),
    });
    const h = harness;
    await waitFor('the catch-up run', () => h.eventsOf('run').length === 1);
    expect(h.eventsOf('run')[0]).toMatchObject({ slot: '2026-03-09T07:00:00.000Z', catchUp: true });
  });

  it('not down over a slot: no run', async () => {
    const fake = fakeJobs({ publish: delayed(20) });
    harness = startHarness({
      digest: WEEKLY,
      timezone: 'Europe/Berlin',
      jobs: fake.jobs,
      clock: fixedClock('2026-03-12T09:00:00Z'),
      before: (store) => store.setMeta(LAST_DIGEST_SLOT_KEY, '2026-03-09T07:00:00.000Z'),
    });
    await sleep(1_000);
    expect(fake.count('digest')).toBe(0);
    expect(harness.eventsOf('started')[0]).toMatchObject({ catchUp: null });
    expect(harness.store.getMeta(LAST_DIGEST_SLOT_KEY)).toBe('2026-03-09T07:00:00.000Z');
  });

  it('first start ever (no record): no run; the start time becomes the record', async () => {
    const fake = fakeJobs({ publish: delayed(20) });
    harness = startHarness({ digest: WEEKLY, timezone: 'Europe/Berlin', jobs: fake.jobs, clock: fixedClock('2026-03-12T09:00:00Z') });
    await sleep(1_000);
    expect(fake.count('digest')).toBe(0);
    expect(harness.store.getMeta(LAST_DIGEST_SLOT_KEY)).toBe('2026-03-12T09:00:00.000Z');
  });

  it('an unreadable record is reported and treated as none', async () => {
    const fake = fakeJobs({ publish: delayed(20) });
    harness = startHarness({
      digest: WEEKLY,
      jobs: fake.jobs,
      clock: fixedClock('2026-03-12T09:00:00Z'),
      before: (store) => store.setMeta(LAST_DIGEST_SLOT_KEY, 'last tuesday\nor so'),
    });
    expect(harness.eventsOf('notice')[0]!.message).toBe('the recorded last digest slot "last tuesday or so" is not a time; treated as none');
    expect(harness.store.getMeta(LAST_DIGEST_SLOT_KEY)).toBe('2026-03-12T09:00:00.000Z');
    expect(fake.count('digest')).toBe(0);
  });

  it('a catch-up for a slot another process completed meanwhile is skipped as done', async () => {
    const fake = fakeJobs({ publish: delayed(20) });
    harness = startHarness({
      digest: WEEKLY,
      timezone: 'Europe/Berlin',
      jobs: fake.jobs,
      clock: fixedClock('2026-03-09T09:00:00Z'),
      before: (store) => store.setMeta(LAST_DIGEST_SLOT_KEY, '2026-03-02T07:00:00.000Z'),
      // The other process records the slot just before this one gets the lock.
      lock: (store) => ({
        tryAcquire: () => {
          store.setMeta(LAST_DIGEST_SLOT_KEY, '2026-03-09T07:00:00.000Z');
          return { acquired: true };
        },
        release: () => {},
      }),
    });
    const h = harness;
    await waitFor('the skipped catch-up', () => h.eventsOf('skipped').length === 1);
    expect(fake.count('digest')).toBe(0);
    expect(h.eventsOf('skipped')[0]).toMatchObject({ reason: 'done', catchUp: true, slot: '2026-03-09T07:00:00.000Z' });
  });
});

describe('missed slots while running (blocked event loop)', () => {
  it('slots node-cron missed while the event loop was blocked make one catch-up run, for the latest', async () => {
    // Every 4 s. Block the loop from just after slot S until S + 10.5 s: S + 4 and S + 8 are
    // missed, and on waking node-cron fires neither (each is over its 1 s tolerance late).
    const fake = fakeJobs({ publish: delayed(50) });
    harness = startHarness({ digest: '*/4 * * * * *', jobs: fake.jobs });
    const h = harness;
    await waitFor('a first run', () => h.eventsOf('run').length >= 1);
    const s = Date.parse(h.eventsOf('run')[0]!.slot as string);
    expect(Date.now() - s).toBeLessThan(3_000);
    while (Date.now() < s + 10_500) {
      // busy: a synchronous job hogging the loop (a huge MJML compile, say)
    }
    await waitFor('the catch-up run', () => h.eventsOf('run').length >= 2);
    await sleep(300);
    await h.scheduler.stop({ timeoutMs: 2_000 });

    const later = h.eventsOf('run').slice(1);
    expect(later.filter((e) => Date.parse(e.slot as string) <= s + 10_500)).toEqual([
      expect.objectContaining({ kind: 'digest', slot: new Date(s + 8_000).toISOString(), catchUp: true, completed: true }),
    ]);
    expect(fake.maxConcurrent()).toBe(1);
  }, 30_000);
});
