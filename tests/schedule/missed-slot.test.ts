// The missed-slot decision, with an injected clock: which slot (if any) a scheduler that was down
// owes on start. The oracle for the property test is node-cron's own forward walker.
import fc from 'fast-check';
import { createTask, getTasks } from 'node-cron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { latestMissedSlot, latestSlotBetween } from '../../src/schedule/missed-slot.js';

const at = (iso: string): Date => new Date(iso);

const weekly = (lastCompleted: string | null, now: string): Date | null =>
  latestMissedSlot({
    expression: '0 8 * * 1',
    timezone: 'Europe/Berlin',
    lastCompleted: lastCompleted === null ? null : at(lastCompleted),
    now: at(now),
  });

describe('latestMissedSlot: weekly digest on Mondays at 08:00, Europe/Berlin', () => {
  it('down over one slot: that slot, once', () => {
    // Last completed Mon 2 March 08:00 CET; restarted Mon 9 March 09:30 CET.
    expect(weekly('2026-03-02T07:00:00Z', '2026-03-09T08:30:00Z')).toEqual(at('2026-03-09T07:00:00Z'));
  });

  it('down over five slots: one run, for the latest slot (after the switch to summer time)', () => {
    // Slots missed: 9, 16, 23, 30 March and 6 April; the last two are 08:00 CEST = 06:00Z.
    expect(weekly('2026-03-02T07:00:00Z', '2026-04-06T08:00:00Z')).toEqual(at('2026-04-06T06:00:00Z'));
    // Restarted the day after the fifth slot: still that one slot.
    expect(weekly('2026-03-02T07:00:00Z', '2026-04-07T12:00:00Z')).toEqual(at('2026-04-06T06:00:00Z'));
  });

  it('not down over a slot: nothing', () => {
    expect(weekly('2026-03-09T07:00:00Z', '2026-03-15T22:59:59Z')).toBeNull();
    expect(weekly('2026-03-09T07:00:00Z', '2026-03-09T07:00:01Z')).toBeNull();
  });

  it('a slot exactly at the start time is owed; a millisecond earlier it is not yet', () => {
    expect(weekly('2026-03-02T07:00:00Z', '2026-03-09T07:00:00.000Z')).toEqual(at('2026-03-09T07:00:00Z'));
    expect(weekly('2026-03-02T07:00:00Z', '2026-03-09T06:59:59.999Z')).toBeNull();
  });

  it('no record (first start ever): nothing, even long after a slot', () => {
    expect(weekly(null, '2026-03-09T08:30:00Z')).toBeNull();
  });

  it('a record in the future (the clock went back): nothing', () => {
    expect(weekly('2026-03-16T07:00:00Z', '2026-03-10T07:00:00Z')).toBeNull();
  });

  it('reads the expression in the zone, not in UTC', () => {
    // 07:30Z on a Monday is 08:30 in Berlin (slot passed) but 07:30 in UTC (slot not yet).
    expect(weekly('2026-03-02T07:00:00Z', '2026-03-09T07:30:00Z')).toEqual(at('2026-03-09T07:00:00Z'));
    expect(
      latestMissedSlot({ expression: '0 8 * * 1', timezone: 'UTC', lastCompleted: at('2026-03-02T08:00:00Z'), now: at('2026-03-09T07:30:00Z') }),
    ).toBeNull();
  });
});

describe('latestMissedSlot: 6-field expressions in seconds', () => {
  const every10s = (last: string, now: string): Date | null =>
    latestMissedSlot({ expression: '*/10 * * * * *', timezone: 'UTC', lastCompleted: at(last), now: at(now) });

  it('down over one slot, over several, and not at all', () => {
    expect(every10s('2026-05-04T12:00:00Z', '2026-05-04T12:00:12.400Z')).toEqual(at('2026-05-04T12:00:10Z'));
    expect(every10s('2026-05-04T12:00:00Z', '2026-05-04T12:00:55.900Z')).toEqual(at('2026-05-04T12:00:50Z'));
    expect(every10s('2026-05-04T12:00:00Z', '2026-05-04T12:00:09.999Z')).toBeNull();
  });

  it('a record with milliseconds: the slot in the same second is already done', () => {
    expect(every10s('2026-05-04T12:00:10.250Z', '2026-05-04T12:00:19Z')).toBeNull();
    expect(every10s('2026-05-04T12:00:09.750Z', '2026-05-04T12:00:10Z')).toEqual(at('2026-05-04T12:00:10Z'));
  });

  it('stays fast over a long downtime, even for an every-second expression', () => {
    const started = performance.now();
    expect(every10s('2016-05-04T12:00:00Z', '2026-05-04T12:34:56.700Z')).toEqual(at('2026-05-04T12:34:50Z'));
    expect(
      latestMissedSlot({ expression: '* * * * * *', timezone: 'Europe/Berlin', lastCompleted: at('2020-01-01T00:00:00Z'), now: at('2026-05-04T12:34:56.700Z') }),
    ).toEqual(at('2026-05-04T12:34:56Z'));
    // Every second, but only on Mondays; restarted on a Sunday: the last second of last Monday.
    expect(
      latestMissedSlot({ expression: '* * * * * 1', timezone: 'Europe/Berlin', lastCompleted: at('2026-04-01T00:00:00Z'), now: at('2026-05-10T12:00:00Z') }),
    ).toEqual(at('2026-05-04T21:59:59Z'));
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('latestMissedSlot: daylight-saving edges (Europe/Berlin, 29 March and 25 October 2026)', () => {
  it('a daily slot at 02:30 does not exist on 29 March: nothing is owed for that day', () => {
    const daily = (last: string, now: string): Date | null =>
      latestMissedSlot({ expression: '30 2 * * *', timezone: 'Europe/Berlin', lastCompleted: at(last), now: at(now) });
    expect(daily('2026-03-28T01:30:00Z', '2026-03-29T10:00:00Z')).toBeNull();
    expect(daily('2026-03-28T01:30:00Z', '2026-03-30T01:00:00Z')).toEqual(at('2026-03-30T00:30:00Z'));
    // Down over both days: the 28th's slot is the latest that happened before the 30th's.
    expect(daily('2026-03-27T01:30:00Z', '2026-03-30T00:00:00Z')).toEqual(at('2026-03-28T01:30:00Z'));
  });

  it('08:00 moves from 07:00Z to 06:00Z across the switch', () => {
    expect(
      latestMissedSlot({ expression: '0 8 * * *', timezone: 'Europe/Berlin', lastCompleted: at('2026-03-28T07:00:00Z'), now: at('2026-03-29T07:00:00Z') }),
    ).toEqual(at('2026-03-29T06:00:00Z'));
  });

  it('01:45 happens twice on 1 November in New York: restarted during the second, the first is owed', () => {
    // node-cron fires 01:45 EDT (05:45Z) and not 01:45 EST (06:45Z); at 01:10 EST (06:10Z) the
    // later wall time 01:45 is an earlier instant.
    const slot = latestMissedSlot({
      expression: '45 1 * * *',
      timezone: 'America/New_York',
      lastCompleted: at('2026-10-31T05:45:00Z'),
      now: at('2026-11-01T06:10:00Z'),
    });
    expect(slot).toEqual(at('2026-11-01T05:45:00Z'));
    expect(slot).toEqual(firesAfter('45 1 * * *', 'America/New_York', at('2026-10-31T05:45:00Z')));
  });

  it('02:30 happens twice on 25 October; it is owed once, at the instant node-cron fires it', () => {
    const slot = latestMissedSlot({
      expression: '30 2 * * *',
      timezone: 'Europe/Berlin',
      lastCompleted: at('2026-10-24T00:30:00Z'),
      now: at('2026-10-25T12:00:00Z'),
    });
    expect(slot).toEqual(firesAfter('30 2 * * *', 'Europe/Berlin', at('2026-10-24T00:30:00Z')));
    expect(slot?.toISOString().slice(0, 10)).toBe('2026-10-25');
  });
});

describe('latestSlotBetween', () => {
  it('throws on an invalid expression', () => {
    expect(() => latestSlotBetween('61 * * * *', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'))).toThrow();
  });

  it('leaves no task behind in node-cron\'s registry', () => {
    const before = getTasks().size;
    latestSlotBetween('*/5 * * * *', 'UTC', at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'));
    expect(getTasks().size).toBe(before);
  });
});

// --- property: agrees with node-cron's own walker -------------------------------------------------

afterEach(() => {
  vi.useRealTimers();
});

/** node-cron's next run after `from`, computed by node-cron itself (its walker reads `new Date()`). */
function firesAfter(expression: string, timezone: string, from: Date): Date {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(from);
  const task = createTask(expression, () => {}, { timezone });
  try {
    const next = task.getNextRuns(1)[0];
    if (!next) throw new Error('no next run');
    return next;
  } finally {
    void task.destroy();
    vi.useRealTimers();
  }
}

/** The latest slot node-cron would fire in (after, upTo], walking forward from `after`. */
function oracle(expression: string, timezone: string, after: Date, upTo: Date, maxSteps: number): Date | null | 'too-many' {
  let latest: Date | null = null;
  let from = after;
  for (let i = 0; i < maxSteps; i++) {
    const next = firesAfter(expression, timezone, from);
    if (next > upTo) return latest;
    latest = next;
    from = next;
  }
  return 'too-many';
}

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Sao_Paulo'];
// Daylight-saving switches in 2026 (EU, US, Lord Howe), and two ordinary days.
const ANCHORS = ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', '2026-04-04T15:00:00Z', '2026-10-03T15:30:00Z', '2026-06-15T12:00:00Z', '2026-02-28T23:00:00Z'];

const fiveFields = fc
  .tuple(
    fc.constantFrom('*', '*/15', '0', '30', '0,30', '5-10', '59', '*/7'),
    fc.constantFrom('*', '2', '1-3', '8', '*/6', '0', '23'),
    fc.constantFrom('*', '*', '1', 'L', '15', '28-31'),
    fc.constantFrom('*', '*', '3,10', '2-4'),
    fc.constantFrom('*', '*', '1', '0', '1-5', 'sat,sun'),
  )
  .map((f) => f.join(' '));

describe('latestMissedSlot agrees with node-cron', () => {
  it('for random expressions, zones and downtimes around daylight-saving switches', () => {
    fc.assert(
      fc.property(
        fiveFields,
        fc.constantFrom(...ZONES),
        fc.constantFrom(...ANCHORS),
        fc.integer({ min: -3 * 86_400, max: 3 * 86_400 }),
        fc.integer({ min: 1, max: 4 * 86_400 }),
        (expression, timezone, anchor, offsetS, downS) => {
          const after = new Date(at(anchor).getTime() + offsetS * 1000);
          const now = new Date(after.getTime() + downS * 1000);
          const expected = oracle(expression, timezone, after, now, 400);
          fc.pre(expected !== 'too-many');
          const actual = latestMissedSlot({ expression, timezone, lastCompleted: after, now });
          expect(actual?.toISOString() ?? null, `${expression} in ${timezone}, (${after.toISOString()}, ${now.toISOString()}]`).toBe(
            expected === null ? null : (expected as Date).toISOString(),
          );
        },
      ),
      { numRuns: 150, seed: 20260329 },
    );
  });

  it('for 6-field expressions over short downtimes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('*/20', '0', '30', '*', '5,55'),
        fiveFields,
        fc.constantFrom(...ZONES),
        fc.constantFrom(...ANCHORS),
        fc.integer({ min: -7200, max: 7200 }),
        fc.integer({ min: 1, max: 900 }),
        (seconds, rest, timezone, anchor, offsetS, downS) => {
          const expression = `${seconds} ${rest}`;
          const after = new Date(at(anchor).getTime() + offsetS * 1000 + 250);
          const now = new Date(after.getTime() + downS * 1000);
          const expected = oracle(expression, timezone, after, now, 1000);
          fc.pre(expected !== 'too-many');
          const actual = latestMissedSlot({ expression, timezone, lastCompleted: after, now });
          expect(actual?.toISOString() ?? null, `${expression} in ${timezone}`).toBe(expected === null ? null : (expected as Date).toISOString());
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });
});
