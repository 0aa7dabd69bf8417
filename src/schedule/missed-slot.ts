/**
 * Missed-slot arithmetic, pure: given when a slot last completed and what time it is now, which
 * slot is owed? node-cron skips slots that pass while the process is down (or its event loop is
 * blocked) without a trace, so the scheduler records the last completed slot and asks this.
 *
 * The answer is the LATEST slot in (lastCompleted, now], or null: one catch-up run however many
 * slots were missed (a digest covers everything new, so five runs would send one digest and four
 * empty ones). With no record at all (`lastCompleted` null: the scheduler never ran on this site)
 * nothing is owed: starting `gazette schedule` for the first time must not send a digest at once
 * for a slot that passed before anyone asked for one.
 *
 * Slots are node-cron's own: every candidate is confirmed with node-cron's matcher in the
 * schedule's zone, and wall times become instants exactly as node-cron converts them (see
 * cron-wall-time.ts), so a slot in a daylight-saving gap is never owed and a slot in an overlap is
 * owed at the instant node-cron would have fired it.
 *
 * Cost: the search walks back day by day from `now` (one matcher call per day), and on a day that
 * matches tries its times latest first, so it is fast even for a 6-field, every-second expression
 * over a long downtime. It looks back at most MAX_LOOKBACK_DAYS: a slot older than that is not
 * owed (a record that old means the scheduler was retired, not briefly down).
 */
import { createTask, parse, type ScheduledTask } from 'node-cron';
import { cronInstant, offsetAt, wallTimeIn } from './cron-wall-time.js';

/** About ten years: far beyond any real downtime, still only ~3,700 cheap matcher calls. */
export const MAX_LOOKBACK_DAYS = 3660;


export interface MissedSlotQuery {
  /** A cron expression of 5 fields, or 6 with seconds first. */
  readonly expression: string;
  /** IANA zone the expression is read in. */
  readonly timezone: string;
  /** The last slot recorded as completed; null when none was ever recorded. */
  readonly lastCompleted: Date | null;
  readonly now: Date;
}

/** The latest slot after `lastCompleted` and at or before `now`, or null when none is owed. */
export function latestMissedSlot(query: MissedSlotQuery): Date | null {
  if (query.lastCompleted === null) return null;
  return latestSlotBetween(query.expression, query.timezone, query.lastCompleted, query.now);
}

/** The latest slot `s` with `after < s ≤ upTo`, or null. Throws on an invalid expression. */
export function latestSlotBetween(expression: string, timezone: string, after: Date, upTo: Date): Date | null {
  const afterMs = after.getTime();
  const upToMs = upTo.getTime();
  if (!(upToMs > afterMs)) return null;
  const fields = parse(expression);
  const seconds = descending(fields.second);
  const minutes = descending(fields.minute);
  const hours = descending(fields.hour);
  // Which days match depends only on the date, not the zone: a second matcher, for the three day
  // fields at noon UTC, answers "is this a slot day?" with node-cron's own rules (L, W, #, names).
  const dayExpression = `0 0 12 ${fields.dayOfMonth.join(',')} ${fields.month.join(',')} ${fields.dayOfWeek.join(',')}`;
  const noop = (): void => {};
  const slotMatcher = createTask(expression, noop, { timezone });
  const dayMatcher = createTask(dayExpression, noop, { timezone: 'UTC' });
  try {
    const today = wallTimeIn(upTo, timezone);
    const todaySeconds = today.hour * 3600 + today.minute * 60 + today.second;
    const firstDay = wallTimeIn(after, timezone);
    const firstDayMs = Date.UTC(firstDay.year, firstDay.month - 1, firstDay.day);
    let dayMs = Date.UTC(today.year, today.month - 1, today.day);
    const stopMs = Math.max(firstDayMs, dayMs - MAX_LOOKBACK_DAYS * 86_400_000);
    for (let isToday = true; dayMs >= stopMs; dayMs -= 86_400_000, isToday = false) {
      if (!dayMatcher.match(new Date(dayMs + 12 * 3_600_000))) continue;
      const day = new Date(dayMs);
      const found = latestOnDay(
        slotMatcher,
        timezone,
        { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() },
        { hours, minutes, seconds },
        isToday ? todaySeconds + wallClockSetBackS(upToMs, timezone) : Infinity,
        afterMs,
        upToMs,
      );
      if (found === 'none-left') return null;
      if (found !== null) return found;
    }
    return null;
  } finally {
    // createTask registers each task in node-cron's global registry; destroy removes it.
    void slotMatcher.destroy();
    void dayMatcher.destroy();
  }
}

/**
 * How far the wall clock was set back during the day before `ms` (0 on most days; an hour on the
 * day summer time ends). On the day `now` falls on, wall times later than now's by more than this
 * are all after `now`, so they are skipped without converting them.
 */
function wallClockSetBackS(ms: number, timezone: string): number {
  const nowOffset = offsetAt(ms, timezone);
  let setBack = 0;
  for (let hoursAgo = 2; hoursAgo <= 26; hoursAgo += 2) {
    setBack = Math.max(setBack, offsetAt(ms - hoursAgo * 3_600_000, timezone) - nowOffset);
  }
  return setBack / 1000;
}

interface TimeFields {
  readonly hours: readonly number[];
  readonly minutes: readonly number[];
  readonly seconds: readonly number[];
}

/**
 * The latest slot on one local day within (afterMs, upToMs]; 'none-left' once a slot at or before
 * `afterMs` is reached (everything earlier is earlier still: wall times that read back map to
 * instants in the same order); null when the day has none in range.
 */
function latestOnDay(
  matcher: ScheduledTask,
  timezone: string,
  date: { readonly year: number; readonly month: number; readonly day: number },
  time: TimeFields,
  maxSecondOfDay: number,
  afterMs: number,
  upToMs: number,
): Date | 'none-left' | null {
  for (const hour of time.hours) {
    if (hour * 3600 > maxSecondOfDay) continue;
    for (const minute of time.minutes) {
      if (hour * 3600 + minute * 60 > maxSecondOfDay) continue;
      for (const second of time.seconds) {
        if (hour * 3600 + minute * 60 + second > maxSecondOfDay) continue;
        const ms = cronInstant({ ...date, hour, minute, second }, timezone);
        if (ms > upToMs) continue;
        const instant = new Date(ms);
        // A wall time skipped by a spring-forward gap does not read back: node-cron never fires it.
        if (!matcher.match(instant)) continue;
        return ms > afterMs ? instant : 'none-left';
      }
    }
  }
  return null;
}

function descending(values: readonly (number | string)[]): number[] {
  return values.filter((v): v is number => typeof v === 'number').sort((a, b) => b - a);
}
