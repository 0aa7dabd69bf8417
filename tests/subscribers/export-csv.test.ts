import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/state/open-store.js';
import type { Store } from '../../src/state/store.js';
import { exportCsv, exportCsvChunks } from '../../src/subscribers/export-csv.js';
import { importCsv } from '../../src/subscribers/import-csv.js';
import { subscriberToJson } from '../../src/subscribers/subscriber-json.js';
import { at, removeTempRoots, T0, tempRoot } from '../state/fixtures.js';

afterAll(removeTempRoots);

function sampleStore(): Store {
  const store = openStore(tempRoot());
  store.addSubscriber({ email: 'ann@example.org', name: 'Lee, Ann', source: 'cli', at: T0 });
  store.addSubscriber({ email: 'bob@example.org', name: 'Bob "the pen" Smith', source: 'web', status: 'pending', at: at(1) });
  store.addSubscriber({ email: 'zoe@bücher.de', name: 'Zoë 山田 🎉', source: 'cli', at: at(2) });
  store.addSubscriber({ email: 'evil@example.org', name: '=HYPERLINK("http://x.example","click")', source: 'web', at: at(3) });
  store.addSubscriber({ email: '"odd, quoted"@example.org', name: null, source: 'cli', at: at(4) });
  store.setSubscriberStatus('evil@example.org', 'unsubscribed', at(5), 'web:unsubscribe');
  return store;
}

describe('exportCsv', () => {
  it('writes the import header, every subscriber in id order, RFC 4180 quoting and ISO times', () => {
    const store = sampleStore();
    expect(exportCsv(store)).toBe(
      [
        'email,name,status,subscribed_at',
        'ann@example.org,"Lee, Ann",active,2026-01-05T08:00:00.000Z',
        'bob@example.org,"Bob ""the pen"" Smith",pending,',
        'zoe@bücher.de,Zoë 山田 🎉,active,2026-01-05T08:02:00.000Z',
        // A name a spreadsheet would run as a formula is defused with a leading quote.
        'evil@example.org,"\'=HYPERLINK(""http://x.example"",""click"")",unsubscribed,2026-01-05T08:03:00.000Z',
        '"""odd, quoted""@example.org",,active,2026-01-05T08:04:00.000Z',
        '',
      ].join('\n'),
    );
    store.close();
  });

  it('parses back with an independent CSV parser to the same values', () => {
    const store = sampleStore();
    const rows = parse(exportCsv(store), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.email)).toEqual(store.listSubscribers().map((s) => s.email));
    expect(rows[1]).toEqual({ email: 'bob@example.org', name: 'Bob "the pen" Smith', status: 'pending', subscribed_at: '' });
    store.close();
  });

  it('round-trips through import into an empty list', () => {
    const source = sampleStore();
    const target = openStore(tempRoot());
    const result = importCsv(target, exportCsv(source), { source: 'import:export.csv', now: at(60) });
    expect(result).toMatchObject({ added: 5, skipped: [] });
    const view = (store: Store) => store.listSubscribers().map(subscriberToJson);
    expect(view(target)).toEqual(view(source));
    expect(exportCsv(target)).toBe(exportCsv(source));
    source.close();
    target.close();
  });

  it('streams in chunks that join to the whole export', () => {
    const store = openStore(tempRoot());
    store.addSubscribers(Array.from({ length: 2_500 }, (_, i) => ({ email: `r${i}@example.org`, source: 'cli', at: T0 })));
    const chunks = [...exportCsvChunks(store, 1_000)];
    expect(chunks.length).toBe(4); // header + 1,000 + 1,000 + 500
    expect(chunks.join('')).toBe(exportCsv(store));
    expect(chunks.join('').split('\n').length).toBe(2_502);
    store.close();
  });
});

describe('subscriberToJson', () => {
  it('gives the documented `subscribers list --json` shape', () => {
    const store = sampleStore();
    const json = store.listSubscribers().map(subscriberToJson);
    expect(json[0]).toEqual({ email: 'ann@example.org', name: 'Lee, Ann', status: 'active', subscribed_at: '2026-01-05T08:00:00.000Z' });
    expect(json[1]).toEqual({ email: 'bob@example.org', name: 'Bob "the pen" Smith', status: 'pending', subscribed_at: null });
    expect(Object.keys(json[0]!)).toEqual(['email', 'name', 'status', 'subscribed_at']);
    store.close();
  });
});
