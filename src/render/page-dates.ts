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
  /** Local day number (days since 1970-01-01 in the zone) → its display text: dateStyle "long" depends on nothing else. */
  readonly displays: Map<number, string>;
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

/** `language` when Intl accepts it; a syntactically odd tag the config let through ("en-x") falls back to "en" rather than fail the build. */
export function intlLocale(language: string): string {
  try {
    Intl.DateTimeFormat.supportedLocalesOf([language]);
    return language;
  } catch {
    return 'en';
  }
}

function zoneLanguage(timeZone: string, language: string): ZoneLanguage {
  const key = `${timeZone}\u0000${language}`;
  let zl = zoneLanguages.get(key);
  if (!zl) {
    const locale = intlLocale(language);
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
/** "00" … "59". */
const TWO = Array.from({ length: 60 }, (_, n) => two(n));

// The zone and language of the last call: a site asks for one pair, ten thousand times a build.
let last: { timeZone: string; language: string; zl: ZoneLanguage } | undefined;

export function pageDate(date: Date, timeZone: string, language: string): PageDate {
  if (last?.timeZone !== timeZone || last.language !== language) last = { timeZone, language, zl: zoneLanguage(timeZone, language) };
  const { zl } = last;
  const ms = date.getTime();
  const cached = zl.dates.get(ms);
  if (cached) return cached;
  const offset = offsetAt(zl.zone, ms);
  // The wall-clock time in the zone: its day (texts made once per day), then the time of day.
  const localMs = ms + offset * 60_000;
  const dayNumber = Math.floor(localMs / DAY_MS);
  const { day } = calendarDay(dayNumber);
  let display = zl.displays.get(dayNumber);
  if (display === undefined) {
    display = zl.displayFormat.format(date);
    if (zl.displays.size > CACHE_LIMIT) zl.displays.clear();
    zl.displays.set(dayNumber, display);
  }
  const seconds = Math.floor((localMs - dayNumber * DAY_MS) / 1000);
  const time = `${TWO[Math.floor(seconds / 3600)]}:${TWO[Math.floor(seconds / 60) % 60]}:${TWO[seconds % 60]}`;
  const abs = Math.abs(offset);
  const zoneText = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
  const result: PageDate = { iso: `${day}T${time}${zoneText}`, day, display };
  if (zl.dates.size > CACHE_LIMIT) zl.dates.clear();
  zl.dates.set(ms, result);
  return result;
}

/**
 * The calendar date of a local day number, the same in every zone: "YYYY-MM-DD" and its month
 * as year * 12 + month index (0–11). A site's articles fall on a few hundred days.
 */
const calendarDays = new Map<number, { readonly day: string; readonly month: number }>();

function calendarDay(dayNumber: number): { readonly day: string; readonly month: number } {
  let found = calendarDays.get(dayNumber);
  if (!found) {
    const start = new Date(dayNumber * DAY_MS);
    const year = start.getUTCFullYear();
    found = { day: `${String(year).padStart(4, '0')}-${two(start.getUTCMonth() + 1)}-${two(start.getUTCDate())}`, month: year * 12 + start.getUTCMonth() };
    if (calendarDays.size > CACHE_LIMIT) calendarDays.clear();
    calendarDays.set(dayNumber, found);
  }
  return found;
}

/**
 * The month `date` falls in, in the zone, as year * 12 + month index (0–11): the month of the
 * `day` pageDate gives, without making any text (the archive sorts ten thousand articles into
 * months on every build). `monthKey` writes it as "YYYY-MM".
 */
export function localMonth(date: Date, timeZone: string): number {
  const ms = date.getTime();
  return calendarDay(Math.floor((ms + offsetAt(zone(timeZone), ms) * 60_000) / DAY_MS)).month;
}

/** A month number of localMonth as "YYYY-MM". */
export function monthKey(month: number): string {
  return `${String(Math.floor(month / 12)).padStart(4, '0')}-${two((month % 12) + 1)}`;
}

const monthFormats = new Map<string, Intl.DateTimeFormat>();

/** A month (`month` 1–12) as the site's language names it: "November 2026", "novembre 2026". */
export function monthName(year: number, month: number, language: string): string {
  let format = monthFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale(language), { year: 'numeric', month: 'long', timeZone: 'UTC' });
    monthFormats.set(language, format);
  }
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, 15);
  return format.format(at);
}
