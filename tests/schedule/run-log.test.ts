// The lines the operator reads (or a log shipper parses): fixed dates, exact text.
import { describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import { createRunLog } from '../../src/schedule/run-log.js';
import { outcome } from './harness.js';

const slot = new Date('2026-03-30T06:00:00Z');
const started = new Date('2026-03-30T06:00:00.120Z');
const next = new Date('2026-04-06T06:00:00Z');

function logs(json: boolean, timezone = 'Europe/Berlin') {
  const lines: string[] = [];
  return { log: createRunLog({ json, timezone, write: (l) => lines.push(l) }), lines };
}

describe('readable lines', () => {
  it('a digest run: time, slot in the zone, counts, duration, next run', () => {
    const { log, lines } = logs(false);
    log.run({ kind: 'digest', slot, catchUp: false, started, durationMs: 4_210, outcome: outcome({ digestId: 'd7', articles: 12, recipients: 120, sent: 118, failed: 2 }), completed: true, nextRun: next });
    expect(lines).toEqual([
      '2026-03-30 08:00:00 +02:00 digest (slot 2026-03-30 08:00:00 +02:00): digest d7: 12 articles, 120 recipients, 118 sent, 2 failed in 4.21 s; next run 2026-04-06 08:00:00 +02:00',
    ]);
  });

  it('a catch-up with nothing new, a build, a pending send', () => {
    const { log, lines } = logs(false, 'Asia/Kolkata');
    log.run({ kind: 'digest', slot, catchUp: true, started, durationMs: 80, outcome: outcome({ digestId: null, articles: 0, recipients: 0, sent: 0 }), completed: true, nextRun: null });
    log.run({ kind: 'build', slot, catchUp: false, started, durationMs: 1_000, outcome: outcome({ articles: 1, digestId: null }), completed: true, nextRun: next });
    log.run({ kind: 'digest', slot, catchUp: false, started, durationMs: 500, outcome: outcome({ sent: 1, pending: 2 }), completed: false, nextRun: next });
    expect(lines).toEqual([
      '2026-03-30 11:30:00 +05:30 digest (slot 2026-03-30 11:30:00 +05:30, catch-up): nothing new, no digest (0 articles) in 0.08 s; next run none',
      '2026-03-30 11:30:00 +05:30 build (slot 2026-03-30 11:30:00 +05:30): 1 article published in 1.00 s; next run 2026-04-06 11:30:00 +05:30',
      '2026-03-30 11:30:00 +05:30 digest (slot 2026-03-30 11:30:00 +05:30): digest d-2026-05-04: 2 articles, 3 recipients, 1 sent, 0 failed, 2 left pending (not completed: caught up on the next start) in 0.50 s; next run 2026-04-06 11:30:00 +05:30',
    ]);
  });

  it('negative offsets with minutes (St John\'s) and UTC', () => {
    const { log, lines } = logs(false, 'America/St_Johns');
    log.notice(new Date('2026-01-15T12:00:00Z'), 'hello');
    const utc = logs(false, 'UTC');
    utc.log.notice(new Date('2026-01-15T12:00:00Z'), 'hello');
    expect([...lines, ...utc.lines]).toEqual(['2026-01-15 08:30:00 -03:30 hello', '2026-01-15 12:00:00 +00:00 hello']);
  });

  it('an error with newlines, control characters and markup stays on one line', () => {
    const { log, lines } = logs(false, 'UTC');
    const error = GazetteError.fromProblems('CONTENT', '2 problems in the content; nothing was written', [
      { file: 'content/a\nb.md', line: 3, message: 'bad date "\u0000\u001b[31mred\u001b[0m"' },
      { file: 'content/<script>.md', message: 'title\r\nmissing ✓ 日本' },
    ]);
    log.failed({ kind: 'build', slot, catchUp: false, started, durationMs: 10, error, nextRun: null });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(lines[0]).toBe(
      '2026-03-30 06:00:00 +00:00 build (slot 2026-03-30 06:00:00 +00:00) failed after 0.01 s: 2 problems in the content; nothing was written: content/a b.md:3: bad date " [31mred [0m"; content/<script>.md: title missing ✓ 日本; next run none',
    );
  });

  it('skipped, stopping and stopped', () => {
    const { log, lines } = logs(false, 'UTC');
    log.skipped({ kind: 'digest', slot, catchUp: false, at: started, reason: 'locked', message: 'another gazette process is publishing (pid 4242 on web1)', nextRun: next });
    log.stopping({ at: started, inFlight: { kind: 'digest', slot, catchUp: false }, timeoutMs: 20_000 });
    log.stopped({ at: started, drained: false, runs: 3, failed: 1, skipped: 2 });
    expect(lines).toEqual([
      '2026-03-30 06:00:00 +00:00 digest (slot 2026-03-30 06:00:00 +00:00) skipped: another gazette process is publishing (pid 4242 on web1); next run 2026-04-06 06:00:00 +00:00',
      '2026-03-30 06:00:00 +00:00 stopping: no new runs; waiting up to 20.00 s for the digest (slot 2026-03-30 06:00:00 +00:00) run in progress to finish its messages in flight (a second signal exits at once)',
      '2026-03-30 06:00:00 +00:00 stopped: 3 runs done, 1 failed, 2 skipped; the run in progress did not finish in time: messages it had in flight are left uncertain in the ledger (see `gazette sends`)',
    ]);
  });
});

describe('JSON lines', () => {
  it('one parseable object per line, times in UTC ISO 8601', () => {
    const { log, lines } = logs(true);
    log.run({ kind: 'digest', slot, catchUp: true, started, durationMs: 4_210.6, outcome: outcome({ digestId: 'd7' }), completed: true, nextRun: next });
    log.failed({ kind: 'digest', slot, catchUp: false, started, durationMs: 3, error: new Error('boom\nsecond line'), nextRun: next });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        event: 'run', kind: 'digest', slot: '2026-03-30T06:00:00.000Z', catchUp: true, started: '2026-03-30T06:00:00.120Z',
        articles: 2, recipients: 3, sent: 3, failed: 0, pending: 0, digestId: 'd7', completed: true, durationMs: 4211,
        nextRun: '2026-04-06T06:00:00.000Z',
      },
      {
        event: 'failed', kind: 'digest', slot: '2026-03-30T06:00:00.000Z', catchUp: false, started: '2026-03-30T06:00:00.120Z',
        durationMs: 3, error: 'boom second line', code: null, problems: [], nextRun: '2026-04-06T06:00:00.000Z',
      },
    ]);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
  });
});
