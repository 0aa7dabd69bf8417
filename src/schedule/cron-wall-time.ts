/**
 * Wall-clock time in an IANA zone, converted the way node-cron converts it. The scheduler asks
 * "which slot would node-cron have fired?", so around daylight-saving edges it must pick the very
 * instant node-cron's own walker picks (`localTimeToTimestamp` in node-cron 4): the offset at the
 * naive guess, re-checked once. A wall time in a spring-forward gap does not read back, and
 * node-cron's `match` rejects it, so such a slot never fires; a wall time in a fall-back overlap
 * maps to one of its two instants, and node-cron fires only that one.
 */

export interface CronWallTime {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall time `date` shows in `timeZone` (whole seconds). */
export function wallTimeIn(date: Date, timeZone: string): CronWallTime {
  const parts = formatterFor(timeZone).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

function asUtcMs(t: CronWallTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

/** Offset of `timeZone` from UTC at `ms`, in milliseconds, east positive. */
export function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return asUtcMs(wallTimeIn(new Date(whole), timeZone)) - whole;
}

function readsBack(ms: number, t: CronWallTime, timeZone: string): boolean {
  return asUtcMs(wallTimeIn(new Date(ms), timeZone)) === asUtcMs(t);
}

/** The instant node-cron assigns to wall time `t` in `timeZone` (see the module comment). */
export function cronInstant(t: CronWallTime, timeZone: string): number {
  const guess = asUtcMs(t);
  const first = offsetAt(guess, timeZone);
  const candidate1 = guess - first;
  const second = offsetAt(candidate1, timeZone);
  if (second === first) return candidate1;
  const candidate2 = guess - second;
  if (readsBack(candidate1, t, timeZone)) return candidate1;
  if (readsBack(candidate2, t, timeZone)) return candidate2;
  return Math.max(candidate1, candidate2);
}

/** "2026-03-30 08:00:00 +02:00": how a slot reads to the operator, in the schedule's zone. */
export function formatInZone(date: Date, timeZone: string): string {
  const t = wallTimeIn(date, timeZone);
  const offsetMin = Math.round(offsetAt(date.getTime(), timeZone) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)} ` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
