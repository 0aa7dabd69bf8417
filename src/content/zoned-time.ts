/**
 * Wall-clock time in an IANA zone → instant, with Intl only (no tz database of our own).
 * Daylight-saving edges follow Temporal's "compatible" rule, which is also what cron and most
 * calendars do: a time skipped by a spring-forward gap moves forward by the gap's length; a time
 * that occurs twice in a fall-back overlap means the earlier of the two.
 */

export interface WallTime {
  readonly year: number;
  readonly month: number; // 1–12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Formats only the offset ("GMT+01:00"): several times cheaper than formatToParts of a full date. */
function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, f);
  }
  return f;
}

const LONG_OFFSET = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Date.UTC, but years 0–99 stay years 0–99. */
export function wallTimeAsUtc(t: WallTime): number {
  const d = new Date(0);
  d.setUTCFullYear(t.year, t.month - 1, t.day);
  d.setUTCHours(t.hour, t.minute, t.second, t.millisecond);
  return d.getTime();
}

/** Offset of `timeZone` from UTC at `epochMs`, in milliseconds (east positive). */
export function zoneOffsetAt(timeZone: string, epochMs: number): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  const m = LONG_OFFSET.exec(offsetFormatter(timeZone).format(epochMs));
  if (!m) throw new RangeError(`cannot read the UTC offset of time zone ${timeZone}`);
  if (m[1] === undefined) return 0; // "GMT": UTC itself
  const sign = m[1] === '-' ? -1 : 1;
  return sign * ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4] ?? 0)) * 1000;
}

export function zonedTimeToInstant(t: WallTime, timeZone: string): Date {
  const wall = wallTimeAsUtc(t);
  const before = zoneOffsetAt(timeZone, wall - DAY_MS);
  const after = zoneOffsetAt(timeZone, wall + DAY_MS);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => wall - zoneOffsetAt(timeZone, instant) === instant)
    .sort((a, b) => a - b);
  // No candidate: the wall time falls in a gap; shift it forward using the offset before the gap.
  return new Date(candidates[0] ?? wall - before);
}
