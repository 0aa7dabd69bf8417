import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/state/open-store.js';
import type { Store } from '../../src/state/store.js';
import { importCsv, type ImportOptions } from '../../src/subscribers/import-csv.js';
import { at, gazetteError, removeTempRoots, tempRoot, T0 } from '../state/fixtures.js';

afterAll(removeTempRoots);

const OPTIONS: ImportOptions = { source: 'import:subscribers.csv', now: at(60), fileName: 'subscribers.csv' };

describe('importCsv', () => {
  let store: Store;
  beforeEach(() => {
    store = openStore(tempRoot());
  });
  afterEach(() => store.close());

  it('imports the documented format: only email required, active by default, source recorded', () => {
    const result = importCsv(
      store,
      [
        'email,name,status,subscribed_at',
        'ann@example.org,Ann Lee,,2025-03-01',
        'bob@example.org,,pending,',
        'cee@example.org',
        'dee@example.org,"Lee, Dee",unsubscribed,2025-01-02T10:30:00+02:00',
      ].join('\n'),
      OPTIONS,
    );
    expect(result).toEqual({ added: 4, updated: 0, unchanged: 0, skipped: [], ignoredColumns: [] });
    expect(store.listSubscribers().map((s) => [s.email, s.name, s.status, s.subscribedAt?.toISOString() ?? null, s.source])).toEqual([
      ['ann@example.org', 'Ann Lee', 'active', '2025-03-01T00:00:00.000Z', 'import:subscribers.csv'],
      ['bob@example.org', null, 'pending', null, 'import:subscribers.csv'],
      // No subscribed_at: the operator vouches for consent at import time.
      ['cee@example.org', null, 'active', at(60).toISOString(), 'import:subscribers.csv'],
      ['dee@example.org', 'Lee, Dee', 'unsubscribed', '2025-01-02T08:30:00.000Z', 'import:subscribers.csv'],
    ]);
  });

  it('reports invalid addresses, statuses and dates with their CSV line, and imports the rest', () => {
    const result = importCsv(
      store,
      [
        'email,name,status,subscribed_at',
        'good1@example.org,One',
        'not-an-address,Two',
        'good2@example.org,Three,subscribed',
        ',Nobody',
        'good3@example.org,Four,,2025-02-30',
        'good4@example.org,Five,,2999-01-01',
        'Ann <ann@example.org>,Six',
        'good5@example.org,Seven',
      ].join('\r\n'),
      OPTIONS,
    );
    expect(result.added).toBe(2);
    expect(result.skipped).toEqual([
      { line: 3, email: 'not-an-address', reason: 'invalid address "not-an-address": there is no "@"' },
      {
        line: 4,
        email: 'good2@example.org',
        reason: 'unknown status "subscribed" (expected pending, active, unsubscribed, bounced)',
      },
      { line: 5, email: '', reason: 'no email address' },
      { line: 6, email: 'good3@example.org', reason: 'subscribed_at "2025-02-30" is not a real date and time' },
      { line: 7, email: 'good4@example.org', reason: 'subscribed_at "2999-01-01" is in the future' },
      {
        line: 8,
        email: 'Ann <ann@example.org>',
        reason: 'invalid address "Ann <ann@example.org>": give the bare address (a@example.org), not a display name with <…>',
      },
    ]);
    expect(store.listSubscribers().map((s) => s.email)).toEqual(['good1@example.org', 'good5@example.org']);
  });

  it('reports malformed CSV lines (unclosed quote, too many fields) by line and imports the rest', () => {
    const result = importCsv(
      store,
      [
        'email,name',
        'a@example.org,Ann',
        'b@example.org,"Bob',
        'c@example.org,Smith, John',
        'd@example.org,"Dee"x',
        'e@example.org,Eve,,',
        'f@example.org,"Multi',
        'line"',
        'g@example.org,Gee',
      ].join('\n'),
      OPTIONS,
    );
    expect(result.skipped).toEqual([
      {
        line: 3,
        email: '',
        reason: 'malformed CSV: a quoted field opened on this line runs to line 5, where "D" follows its end (is a closing " missing?)',
      },
      {
        line: 4,
        email: 'c@example.org',
        reason: '3 fields but the header has 2 (is there an unquoted comma? put such a value in double quotes)',
      },
      { line: 5, email: '', reason: 'malformed CSV: unexpected "x" after a closing quote (write a quote inside a quoted field as "")' },
    ]);
    // Trailing empty fields (a spreadsheet's "Eve,,") are harmless; a quoted name may span lines.
    expect(store.listSubscribers().map((s) => [s.email, s.name])).toEqual([
      ['a@example.org', 'Ann'],
      ['e@example.org', 'Eve'],
      ['f@example.org', 'Multi line'],
      ['g@example.org', 'Gee'],
    ]);
  });

  it('resumes after an unclosed quote at the end of the file', () => {
    const result = importCsv(store, 'email,name\na@example.org,"Ann\nb@example.org,Bob\n', OPTIONS);
    expect(result.skipped).toEqual([{ line: 2, email: '', reason: 'malformed CSV: a quoted field is never closed (a " is missing)' }]);
    expect(store.listSubscribers().map((s) => s.email)).toEqual(['b@example.org']);
  });

  it('merges duplicates within the file and with the list, never duplicating an address', () => {
    store.addSubscriber({ email: 'Known@Example.org', name: 'Known', source: 'cli', at: T0 });
    const result = importCsv(
      store,
      [
        'email,name',
        'new@example.org,',
        'NEW@EXAMPLE.ORG,New Name',
        'known@example.org,',
        'KNOWN@example.org,Known',
        'known@EXAMPLE.org,Renamed',
      ].join('\n'),
      OPTIONS,
    );
    expect(result).toMatchObject({ added: 1, updated: 2, unchanged: 2, skipped: [] });
    expect(store.listSubscribers().map((s) => [s.email, s.name, s.source])).toEqual([
      ['Known@example.org', 'Renamed', 'cli'],
      ['new@example.org', 'New Name', 'import:subscribers.csv'],
    ]);
  });

  it('never reactivates an unsubscribed or bounced address, and says so for its line', () => {
    store.addSubscriber({ email: 'gone@example.org', source: 'web', at: T0 });
    store.setSubscriberStatus('gone@example.org', 'unsubscribed', at(1), 'web:unsubscribe');
    store.addSubscriber({ email: 'bounced@example.org', source: 'cli', at: T0 });
    store.setSubscriberStatus('bounced@example.org', 'bounced', at(1), 'bounce');
    const result = importCsv(
      store,
      [
        'email,name,status',
        'gone@example.org,Gone,active',
        'bounced@example.org,,',
        'later@example.org,,unsubscribed',
        'later@example.org,,active',
      ].join('\n'),
      OPTIONS,
    );
    expect(result.added).toBe(1);
    expect(result.skipped.map((s) => [s.line, s.email])).toEqual([
      [2, 'gone@example.org'],
      [3, 'bounced@example.org'],
      [5, 'later@example.org'],
    ]);
    expect(result.skipped[0]!.reason).toBe(
      'gone@example.org is unsubscribed; adding or importing never reactivates an address (only the person can, by subscribing again)',
    );
    expect(store.countByStatus()).toMatchObject({ active: 0, unsubscribed: 2, bounced: 1 });
    expect(store.getSubscriber('gone@example.org')?.name).toBeNull();
  });

  it('accepts a BOM, CRLF, any header order and case, reports unknown columns', () => {
    const result = importCsv(
      store,
      '\uFEFFName,Subscribed_At,EMAIL,Phone\r\n"Zoë 山田 🎉",2025-01-01T08:00:00Z,zoe@example.org,555\r\n',
      OPTIONS,
    );
    expect(result).toMatchObject({ added: 1, skipped: [], ignoredColumns: ['Phone'] });
    expect(store.getSubscriber('zoe@example.org')).toMatchObject({
      name: 'Zoë 山田 🎉',
      subscribedAt: new Date('2025-01-01T08:00:00Z'),
    });
  });

  it('keeps names clean: no control characters, no bidi tricks, spreadsheet escapes removed', () => {
    importCsv(store, 'email,name\na@example.org,"Ann\u0007 \u202Elee"\nb@example.org,\'=HYPERLINK(1)\n', OPTIONS);
    expect(store.listSubscribers().map((s) => s.name)).toEqual(['Ann lee', '=HYPERLINK(1)']);
  });

  it('refuses a file without a usable header, naming the file and line', () => {
    for (const [text, fragment] of [
      ['', /subscribers.csv is empty/],
      ['\n\n', /subscribers.csv is empty/],
      ['ann@example.org,Ann\n', /subscribers.csv:1: the first line must be a header with an "email" column/],
      ['email,name,email\n', /subscribers.csv:1: the header has the column "email" twice/],
      ['"email,name\n', /subscribers.csv:1: cannot read the header/],
    ] as const) {
      const error = gazetteError(() => importCsv(store, text, OPTIONS));
      expect(error.code).toBe('USAGE');
      expect(error.message).toMatch(fragment);
    }
    expect(store.countByStatus().total).toBe(0);
  });

  it('writes in batches without losing order across batch boundaries', () => {
    const lines = ['email'];
    for (let i = 1; i <= 25; i++) lines.push(i === 7 ? 'broken' : `r${i % 10}@example.org`);
    const result = importCsv(store, lines.join('\n'), { ...OPTIONS, batchSize: 4 });
    expect(result).toMatchObject({ added: 10, unchanged: 14 });
    expect(result.skipped.map((s) => s.line)).toEqual([8]);
    expect(store.listSubscribers().map((s) => s.email)).toEqual(
      [1, 2, 3, 4, 5, 6, 8, 9, 0, 7].map((n) => `r${n}@example.org`),
    );
  });
});
