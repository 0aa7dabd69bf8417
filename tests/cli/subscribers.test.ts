/**
 * `gazette subscribers add|remove|list|import|export` end to end: the real CLI on a real SQLite
 * state. Addresses validated and normalised, duplicates merged, status, consent time and source
 * kept, a removed subscriber's history kept, malformed CSV lines reported by line while the rest
 * are imported, and the CSV of DESIGN.md out and back in.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/state/index.js';
import { makeSite } from '../helpers/site.js';
import { gazetteAsync, gazetteJson, mailConfig, type CliResult } from './helpers-mail.js';

const cleanups: Array<() => unknown> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function site(): { root: string; write: (path: string, content: string | Uint8Array) => void } {
  const s = makeSite({ config: mailConfig() });
  cleanups.push(() => s.cleanup());
  return s;
}

interface SubscriberRow {
  email: string;
  name: string | null;
  status: string;
  subscribed_at: string | null;
}

async function list(root: string): Promise<SubscriberRow[]> {
  const { run, json } = await gazetteJson<SubscriberRow[]>(root, ['subscribers', 'list']);
  expect(run.code, run.stderr).toBe(0);
  // Streamed row by row, yet exactly what JSON.stringify would print.
  expect(run.stdout).toBe(`${JSON.stringify(json, null, 2)}\n`);
  return json;
}

/** Source, consent time and the status history, as the state database keeps them. */
function stored(root: string, email: string) {
  const store = openStore(root, { readonly: true });
  try {
    const s = store.getSubscriber(email);
    return s && { source: s.source, subscribedAt: s.subscribedAt, unsubscribedAt: s.unsubscribedAt, history: store.subscriberHistory(email).map((e) => `${e.status} by ${e.source}`) };
  } finally {
    store.close();
  }
}

async function cli(root: string, ...args: string[]): Promise<CliResult> {
  return gazetteAsync(root, ['subscribers', ...args]);
}

describe('gazette subscribers', () => {
  it('add, list, remove: addresses validated and normalised, duplicates merged, history kept', async () => {
    const { root } = site();
    const before = Date.now();
    const added = await gazetteJson<{ outcome: string; subscriber: SubscriberRow }>(root, ['subscribers', 'add', '  Ada.Lovelace@Example.ORG ', '--name', 'Ada Lovelace']);
    expect(added.run.code, added.run.stderr).toBe(0);
    expect(added.json).toMatchObject({ outcome: 'added', subscriber: { email: 'Ada.Lovelace@example.org', name: 'Ada Lovelace', status: 'active' } });

    // The same address in another case is the same subscriber: merged, not duplicated.
    const dup = await cli(root, 'add', 'ada.lovelace@EXAMPLE.org');
    expect(dup.code, dup.stderr).toBe(0);
    expect(dup.stdout).toMatch(/Ada\.Lovelace@example\.org: already on the list, active/);
    // An internationalised domain in either form is one address.
    expect((await cli(root, 'add', 'leser@BÜCHER.example')).code).toBe(0);
    expect((await cli(root, 'add', 'leser@xn--bcher-kva.example')).stdout).toMatch(/already on the list/);

    for (const [bad, why] of [
      ['no-at-sign.example.org', /there is no "@"/],
      ['Ada <ada@example.org>', /give the bare address/],
    ] as const) {
      const r = await cli(root, 'add', bad);
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/^gazette: Invalid email address ".*": /);
      expect(r.stderr, bad).toMatch(why);
    }

    let rows = await list(root);
    expect(rows.map((r) => Object.keys(r).sort())).toEqual(rows.map(() => ['email', 'name', 'status', 'subscribed_at']));
    expect(rows.map((r) => [r.email, r.name, r.status])).toEqual([
      ['Ada.Lovelace@example.org', 'Ada Lovelace', 'active'],
      ['leser@bücher.example', null, 'active'],
    ]);
    const consent = Date.parse(rows[0]!.subscribed_at!);
    expect(consent).toBeGreaterThanOrEqual(before - 1000);
    expect(consent).toBeLessThanOrEqual(Date.now());

    const removed = await cli(root, 'remove', 'ADA.LOVELACE@example.org');
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/Ada\.Lovelace@example\.org: unsubscribed \(history kept\)/);
    const missing = await cli(root, 'remove', 'nobody@example.org');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nobody@example\.org: not on the list/);

    rows = await list(root);
    // Still listed, with its consent time; only the status changed.
    expect(rows[0]).toEqual({ email: 'Ada.Lovelace@example.org', name: 'Ada Lovelace', status: 'unsubscribed', subscribed_at: new Date(consent).toISOString() });
    const history = stored(root, 'Ada.Lovelace@example.org')!;
    expect(history.source).toBe('cli');
    expect(history.unsubscribedAt).not.toBeNull();
    expect(history.history).toEqual(['active by cli', 'unsubscribed by cli']);
    // Adding it again does not override the person's unsubscribe.
    const again = await cli(root, 'add', 'ada.lovelace@example.org');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Ada\.Lovelace@example\.org: not changed, unsubscribed/);

    const text = await cli(root, 'list', '--status', 'active');
    expect(text.stdout).toMatch(/^leser@bücher\.example\t\tactive\t\S+\n2 subscribers: 1 active, 0 pending, 1 unsubscribed, 0 bounced\n$/);
  });

  it('import: BOM, CRLF, quoted fields; bad lines reported by line number and skipped, the rest imported; export round-trips', async () => {
    const { root, write } = site();
    expect((await cli(root, 'add', 'old@example.net', '--name', 'Old Name')).code).toBe(0);
    expect((await cli(root, 'add', 'left@example.net')).code).toBe(0);
    expect((await cli(root, 'remove', 'left@example.net')).code).toBe(0);
    const csv = [
      '\uFEFFemail,name,status,subscribed_at',
      'one@example.net,"Doe, Jane",,2020-05-01T10:00:00Z', // 2
      'not-an-address,Nobody,,', // 3: invalid address
      'ONE@EXAMPLE.NET,Jane Again,,', // 4: the same address: merged
      'two@example.net,"Zoë ""Z"" Ünicode",active,', // 5
      'three@example.net,Three,bogus,', // 6: unknown status
      'four@example.net,Four,,yesterday', // 7: bad date
      'old@example.net,New Name,,', // 8: already there: updated
      'left@example.net,Left,active,', // 9: unsubscribed: never reactivated by an import
      'five@example.net,"unterminated,,', // 10: malformed CSV: reported, the rest goes on
      'six@example.net,Six,unsubscribed,2020-01-01T00:00:00Z', // 11
      '', // blank lines are nothing
      'seven@example.net', // 13: only email is required
    ].join('\r\n');
    write('list.csv', `${csv}\r\n`);

    const r = await cli(root, 'import', join(root, 'list.csv'));
    expect(r.code, r.stderr).toBe(0);
    const reported = r.stdout.split('\n').filter((l) => l.includes(': skipped'));
    // In file order, each with its line number.
    expect(reported.map((l) => /list\.csv:(\d+): skipped/.exec(l)?.[1])).toEqual(['3', '6', '7', '9', '10']);
    expect(reported[0]).toMatch(/not-an-address.*no "@"/);
    expect(reported[1]).toMatch(/three@example\.net.*unknown status "bogus"/);
    expect(reported[2]).toMatch(/four@example\.net.*yesterday/);
    expect(reported[3]).toMatch(/left@example\.net.*is unsubscribed; adding or importing never reactivates/);
    expect(reported[4]).toMatch(/malformed CSV/);
    expect(r.stdout).toMatch(/4 added, \d+ updated, \d+ unchanged, 5 skipped/);

    const rows = await list(root);
    const by = new Map(rows.map((row) => [row.email, row]));
    expect([...by.keys()].sort()).toEqual(
      ['left@example.net', 'old@example.net', 'one@example.net', 'seven@example.net', 'six@example.net', 'two@example.net'].sort(),
    );
    expect(by.get('one@example.net')).toMatchObject({ status: 'active', subscribed_at: '2020-05-01T10:00:00.000Z' });
    expect(by.get('one@example.net')!.name).toMatch(/^(Doe, Jane|Jane Again)$/);
    expect(by.get('two@example.net')).toMatchObject({ name: 'Zoë "Z" Ünicode', status: 'active' });
    expect(by.get('old@example.net')).toMatchObject({ name: 'New Name', status: 'active' });
    expect(by.get('left@example.net')!.status).toBe('unsubscribed');
    expect(by.get('six@example.net')!.status).toBe('unsubscribed');
    expect(by.get('seven@example.net')).toMatchObject({ name: null, status: 'active' });
    expect(stored(root, 'seven@example.net')!.source).toBe('import:list.csv');
    expect(stored(root, 'old@example.net')!.source).toBe('cli');

    // Export: the CSV of DESIGN.md, readable by the import of a fresh site, giving the same list.
    const exported = await cli(root, 'export');
    expect(exported.code, exported.stderr).toBe(0);
    const lines = exported.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('email,name,status,subscribed_at');
    expect(lines).toContain('two@example.net,"Zoë ""Z"" Ünicode",active,' + by.get('two@example.net')!.subscribed_at);
    const copy = site();
    copy.write('export.csv', exported.stdout);
    const imported = await cli(copy.root, 'import', join(copy.root, 'export.csv'));
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/6 added, 0 updated, 0 unchanged, 0 skipped/);
    expect(await list(copy.root)).toEqual(rows);

    const none = await cli(root, 'import', join(root, 'missing.csv'));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing\.csv: cannot read/);
  });
});
