import { describe, expect, it } from 'vitest';
import { makeSite, markdownFile, parse, parseError } from './fixtures.js';

const berlin = makeSite({ timezone: 'Europe/Berlin' });
const newYork = makeSite({ timezone: 'America/New_York' });

function dateOf(written: string, site = makeSite()): Date {
  return parse(markdownFile(`title: T\ndate: ${written}`), { site }).article.date;
}

describe('dates', () => {
  it('reads ISO 8601 with offsets, Z and fractional seconds exactly', () => {
    expect(dateOf('2026-11-20T08:00:00+01:00')).toEqual(new Date('2026-11-20T07:00:00Z'));
    expect(dateOf('2026-11-20T08:00:00-0530')).toEqual(new Date('2026-11-20T13:30:00Z'));
    expect(dateOf('2026-11-20T08:00Z')).toEqual(new Date('2026-11-20T08:00:00Z'));
    expect(dateOf('2026-11-20 08:00:00.123456Z')).toEqual(new Date('2026-11-20T08:00:00.123Z'));
    expect(dateOf('"2026-11-20T08:00:00.5+09:00"')).toEqual(new Date('2026-11-19T23:00:00.500Z'));
  });

  it('reads a date or time without an offset in the site time zone', () => {
    expect(dateOf('2026-11-20')).toEqual(new Date('2026-11-20T00:00:00Z'));
    expect(dateOf('2026-11-20', berlin)).toEqual(new Date('2026-11-19T23:00:00Z')); // CET, +01:00
    expect(dateOf('2026-07-20', berlin)).toEqual(new Date('2026-07-19T22:00:00Z')); // CEST, +02:00
    expect(dateOf('2026-11-20T08:00', newYork)).toEqual(new Date('2026-11-20T13:00:00Z')); // EST
    expect(dateOf('2026-07-04 08:00:00', newYork)).toEqual(new Date('2026-07-04T12:00:00Z')); // EDT
    expect(dateOf('2026-11-20T08:00', makeSite({ timezone: 'Asia/Kolkata' }))).toEqual(new Date('2026-11-20T02:30:00Z'));
    expect(dateOf('2026-11-20T08:00', makeSite({ timezone: 'Asia/Kathmandu' }))).toEqual(new Date('2026-11-20T02:15:00Z'));
    expect(dateOf('2026-11-20T08:00', makeSite({ timezone: 'America/St_Johns' }))).toEqual(new Date('2026-11-20T11:30:00Z'));
  });

  it('handles the daylight-saving changes of the site zone', () => {
    // Europe/Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST. 01:59 is CET; 03:00 is CEST.
    expect(dateOf('2026-03-29T01:59', berlin)).toEqual(new Date('2026-03-29T00:59:00Z'));
    expect(dateOf('2026-03-29T03:00', berlin)).toEqual(new Date('2026-03-29T01:00:00Z'));
    // 02:30 does not exist that night: it moves forward by the gap, to 03:30 CEST.
    expect(dateOf('2026-03-29T02:30', berlin)).toEqual(new Date('2026-03-29T01:30:00Z'));
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET, so 02:30 happens twice: the first one counts.
    expect(dateOf('2026-10-25T02:30', berlin)).toEqual(new Date('2026-10-25T00:30:00Z'));
    expect(dateOf('2026-10-25T03:30', berlin)).toEqual(new Date('2026-10-25T02:30:00Z'));
    // A date-only date on the day of a change is that day's midnight.
    expect(dateOf('2026-03-08', newYork)).toEqual(new Date('2026-03-08T05:00:00Z'));
    expect(dateOf('2026-03-09', newYork)).toEqual(new Date('2026-03-09T04:00:00Z'));
  });

  it('reads updated in the site zone too', () => {
    const { article } = parse(markdownFile('title: T\ndate: 2026-11-20\nupdated: 2026-11-21 09:15'), {
      site: berlin,
    });
    expect(article.updated).toEqual(new Date('2026-11-21T08:15:00Z'));
  });

  it('reports impossible dates and times with line and key', () => {
    const cases: [string, string][] = [
      ['2026-02-30', 'February 2026 has 28 days'],
      ['2028-02-30', 'February 2028 has 29 days'],
      ['2026-13-01', 'no month 13'],
      ['2026-11-20T25:00', 'hours go from 00 to 23'],
      ['2026-11-20T08:60', 'minutes go from 00 to 59'],
      ['2026-11-20T08:00:00+24:00', 'impossible offset'],
      ['next tuesday', 'is not a date'],
      ['20.11.2026', 'is not a date'],
    ];
    for (const [written, fragment] of cases) {
      const err = parseError(() => parse(markdownFile(`title: T\nsummary: s\ndate: ${written}`)));
      expect(err.problems).toEqual([
        { file: 'content/test-article.md', line: 4, key: 'date', message: expect.stringContaining(fragment) },
      ]);
    }
  });

  it('reports a date that is not text, with a hint', () => {
    const err = parseError(() => parse(markdownFile('title: T\ndate: 2026')));
    expect(err.problems).toEqual([
      { file: 'content/test-article.md', line: 3, key: 'date', message: expect.stringContaining('a number (2026)') },
    ]);
  });

  it('rejects updated earlier than date, and updated without date', () => {
    const err = parseError(() => parse(markdownFile('title: T\ndate: 2026-11-20\nupdated: 2026-11-19')));
    expect(err.problems).toEqual([
      expect.objectContaining({ line: 4, key: 'updated', message: 'updated (2026-11-19) is earlier than date (2026-11-20)' }),
    ]);
    const alone = parseError(() => parse(markdownFile('title: T\nupdated: 2026-11-19'), { firstSeen: new Date('2026-11-20T00:00:00Z') }));
    expect(alone.problems[0]).toMatchObject({ key: 'updated', line: 3 });
  });

  it('without a date: uses firstSeen and says so, or fails clearly when there is none', () => {
    const firstSeen = new Date('2026-11-02T10:00:00Z');
    const seen = parse(markdownFile('title: T'), { firstSeen });
    expect(seen.needsFirstSeen).toBe(true);
    expect(seen.article).toMatchObject({ date: firstSeen, updated: firstSeen, dateSource: 'first-seen' });

    const dated = parse(markdownFile('title: T\ndate: 2026-01-01'), { firstSeen });
    expect(dated.needsFirstSeen).toBe(false);
    expect(dated.article.dateSource).toBe('front-matter');

    const err = parseError(() => parse(markdownFile('title: T')));
    expect(err.problems).toEqual([
      { file: 'content/test-article.md', key: 'date', message: expect.stringMatching(/^no date: add "date: /) },
    ]);
  });
});
