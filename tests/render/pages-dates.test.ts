// Page dates against Intl itself, instant by instant, in zones that make offsets hard.
import { describe, expect, it } from 'vitest';
import { pageDate } from '../../src/render/page-dates.js';

/** The slow, obviously right answer: every field and the offset straight from Intl. */
const formats = new Map<string, Intl.DateTimeFormat>();

function reference(date: Date, timeZone: string): { iso: string; day: string } {
  const parts: Record<string, string> = {};
  const f = formats.get(timeZone) ?? new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  });
  formats.set(timeZone, f);
  for (const p of f.formatToParts(date)) parts[p.type] = p.value;
  const day = `${parts.year!.padStart(4, '0')}-${parts.month}-${parts.day}`;
  const zone = parts.timeZoneName!.slice(3);
  const offset = zone === '' || zone === '+00:00' ? 'Z' : zone;
  return { iso: `${day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`, day };
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/Santiago', 'UTC', 'Africa/Casablanca'];

describe('pageDate', () => {
  it.each(ZONES)('agrees with Intl at every instant across two years in %s', (zone) => {
    // Every 97 minutes and 13 seconds, so the instants fall at every time of day, DST nights included.
    const step = 97 * 60_000 + 13_000;
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2027, 0, 1); t += step) {
      const d = new Date(t);
      const got = pageDate(d, zone, 'en');
      const want = reference(d, zone);
      if (got.iso !== want.iso || got.day !== want.day) expect({ at: d.toISOString(), ...got }).toEqual({ at: d.toISOString(), ...want, display: got.display });
    }
  });

  it('is exact in the minutes around a clock change', () => {
    // Berlin 2026-10-25: 01:00 UTC goes from 03:00 CEST back to 02:00 CET.
    for (let t = Date.UTC(2026, 9, 25, 0, 50); t < Date.UTC(2026, 9, 25, 1, 10); t += 60_000) {
      expect(pageDate(new Date(t), 'Europe/Berlin', 'en').iso).toBe(reference(new Date(t), 'Europe/Berlin').iso);
    }
    expect(pageDate(new Date('2026-10-25T00:59:59Z'), 'Europe/Berlin', 'en').iso).toBe('2026-10-25T02:59:59+02:00');
    expect(pageDate(new Date('2026-10-25T01:00:00Z'), 'Europe/Berlin', 'en').iso).toBe('2026-10-25T02:00:00+01:00');
  });

  it('shows the day in the site language and zone', () => {
    const d = new Date('2026-12-31T23:30:00Z');
    expect(pageDate(d, 'Europe/Berlin', 'de').display).toBe('1. Januar 2027');
    expect(pageDate(d, 'America/New_York', 'en').display).toBe('December 31, 2026');
    expect(pageDate(d, 'Asia/Tokyo', 'ja').day).toBe('2027-01-01');
    expect(pageDate(d, 'UTC', 'en-x').display).toBe('December 31, 2026');
  });
});
