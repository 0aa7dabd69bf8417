/**
 * Front-matter dates: ISO 8601 calendar dates with optional time, fraction and offset.
 * `2026-11-20`, `2026-11-20T08:00`, `2026-11-20 08:00:00.5`, `2026-11-20T08:00:00+01:00`, `…Z`.
 * Without an offset the time is wall-clock time in the site's zone (midnight for a bare date).
 * Impossible values (February 30th, 25:00) are errors, never silently rolled over.
 */
import { zonedTimeToInstant, wallTimeAsUtc, type WallTime } from './zoned-time.js';

export type DateResult = { readonly ok: true; readonly date: Date } | { readonly ok: false; readonly message: string };

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?[ ]?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

const FORMS = 'write it as 2026-11-20, 2026-11-20T08:00 or 2026-11-20T08:00:00+01:00';

export function parseIsoDate(text: string, timeZone: string): DateResult {
  const m = ISO.exec(text.trim());
  if (!m) return fail(`"${text}" is not a date: ${FORMS}`);
  const [, y, mo, d, h, mi, s, frac, offset] = m;
  const wall: WallTime = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h ?? 0),
    minute: Number(mi ?? 0),
    second: Number(s ?? 0),
    millisecond: frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0,
  };
  if (wall.month < 1 || wall.month > 12) return fail(`"${text}" is not a date: there is no month ${mo}`);
  const days = daysInMonth(wall.year, wall.month);
  if (wall.day < 1 || wall.day > days) {
    return fail(`"${text}" is not a date: ${MONTHS[wall.month - 1]} ${wall.year} has ${days} days`);
  }
  if (wall.hour > 23) return fail(`"${text}" is not a time: hours go from 00 to 23`);
  if (wall.minute > 59) return fail(`"${text}" is not a time: minutes go from 00 to 59`);
  if (wall.second > 59) return fail(`"${text}" is not a time: seconds go from 00 to 59`);
  if (offset === undefined) return { ok: true, date: zonedTimeToInstant(wall, timeZone) };
  const offsetMs = parseOffset(offset);
  if (offsetMs === undefined) return fail(`"${text}" has an impossible offset ${offset}: use -23:59 to +23:59 or Z`);
  return { ok: true, date: new Date(wallTimeAsUtc(wall) - offsetMs) };
}

function fail(message: string): DateResult {
  return { ok: false, message };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function parseOffset(offset: string): number | undefined {
  if (offset === 'Z' || offset === 'z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes) * 60_000;
}
