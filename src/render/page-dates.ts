/**
 * Dates as pages show them: in the site's time zone, never the build machine's. Results depend only
 * on the arguments. Intl is exact but slow (microseconds a call, and a site has tens of thousands of
 * dates), so a zone's UTC offset is looked up once per UTC day and reused for every instant of
 * that day, unless the offset changes during it (a DST night), when each instant is looked up.
 */

/** What a template gets for one instant: machine-readable and human-readable forms. */
export interface PageDate {
  /** RFC 3339 with the zone's offset at that instant ("2026-11-20T08:00:00+01:00"), for `datetime=`. */
  readonly iso: string;
  /** The calendar day in the site's zone ("2026-11-20"). */
  readonly day: string;
  /** Long, localised form in the site's language ("November 20, 2026", "20. November 2026"). */
  readonly display: string;
}

const DAY_MS = 86_400_000;
/** Cached values per zone and language; cleared when they grow past this (a long-running schedule). */
const CACHE_LIMIT = 200_000;

interface Zone {
  readonly offsetFormat: Intl.DateTimeFormat;
  /** UTC day number → offset in minutes for the whole day, or NaN when it changes that day. */
  readonly dayOffsets: Map<number, number>;
}

interface ZoneLanguage {
  readonly zone: Zone;
  readonly displayFormat: Intl.DateTimeFormat;
  /** Local day ("2026-11-20") → display text: dateStyle "long" depends on nothing else. */
  readonly displays: Map<string, string>;
  /** Instant (ms) → PageDate: the index and tag pages show the same dates as the article pages. */
  readonly dates: Map<number, PageDate>;
}

const zones = new Map<string, Zone>();
const zoneLanguages = new Map<string, ZoneLanguage>();

function zone(timeZone: string): Zone {
  let z = zones.get(timeZone);
  if (!z) {
    z = { offsetFormat: new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', timeZoneName: 'longOffset' }), dayOffsets: new Map() };
    zones.set(timeZone, z);
  }
  return z;
}

function zoneLanguage(timeZone: string, language: string): ZoneLanguage {
  const key = `${timeZone}\u0000${language}`;
  let zl = zoneLanguages.get(key);
  if (!zl) {
    let locale = language;
    try {
      Intl.DateTimeFormat.supportedLocalesOf([language]);
    } catch {
      // A syntactically odd tag the config regex let through ("en-x"): fall back, do not fail the build.
      locale = 'en';
    }
    zl = {
      zone: zone(timeZone),
      displayFormat: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone }),
      displays: new Map(),
      dates: new Map(),
    };
    zoneLanguages.set(key, zl);
  }
  return zl;
}

/**
 * The zone's offset from UTC at instant `ms`, in whole minutes, straight from Intl: the end of
 * "2020, GMT+02:00" (format() takes a third of the time formatToParts() does).
 */
function exactOffset(z: Zone, ms: number): number {
  // "GMT", "GMT+01:00", "GMT-03:30", historically "GMT+00:17:30".
  const m = /GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/.exec(z.offsetFormat.format(ms));
  if (!m || !m[1]) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0) + Math.round(Number(m[4] ?? 0) / 60);
  return m[1] === '-' ? -minutes : minutes;
}

function offsetAt(z: Zone, ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  let offset = z.dayOffsets.get(day);
  if (offset === undefined) {
    const start = day * DAY_MS;
    const a = exactOffset(z, start);
    const b = exactOffset(z, start + DAY_MS / 2);
    const c = exactOffset(z, start + DAY_MS - 1);
    offset = a === b && b === c ? a : Number.NaN;
    if (z.dayOffsets.size > CACHE_LIMIT) z.dayOffsets.clear();
    z.dayOffsets.set(day, offset);
  }
  return Number.isNaN(offset) ? exactOffset(z, ms) : offset;
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function pageDate(date: Date, timeZone: string, language: string): PageDate {
  const zl = zoneLanguage(timeZone, language);
  const ms = date.getTime();
  const cached = zl.dates.get(ms);
  if (cached) return cached;
  const offset = offsetAt(zl.zone, ms);
  // The wall-clock time in the zone, read with the UTC getters.
  const local = new Date(ms + offset * 60_000);
  const year = local.getUTCFullYear();
  const day = `${String(year).padStart(4, '0')}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}`;
  const time = `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`;
  const abs = Math.abs(offset);
  const zoneText = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
  let display = zl.displays.get(day);
  if (display === undefined) {
    display = zl.displayFormat.format(date);
    zl.displays.set(day, display);
  }
  const result: PageDate = { iso: `${day}T${time}${zoneText}`, day, display };
  if (zl.dates.size > CACHE_LIMIT) zl.dates.clear();
  zl.dates.set(ms, result);
  return result;
}
