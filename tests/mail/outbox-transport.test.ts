/** Outbox specifics: names, numbering across runs, atomic files, confinement to .gazette/. */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import { createOutboxTransport, outboxDir, safeRecipientName } from '../../src/mail/outbox-transport.js';
import { fixtureMessage } from './message-fixture.js';

let root: string;
let stateDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'gazette-outbox-'));
  stateDir = join(root, '.gazette');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('outbox transport', () => {
  it('writes .gazette/outbox/<digest>/<nnnnnn>-<recipient>.eml, numbered in send order', async () => {
    const t = createOutboxTransport({ stateDir, digestId: '2026-11-20-weekly' });
    for (const to of ['b@example.net', 'A.Person+news@Example.NET', 'zoë@example.net']) {
      const outcome = await t.send(fixtureMessage({ to }));
      expect(outcome.ok).toBe(true);
    }
    await t.close();
    const dir = join(stateDir, 'outbox', '2026-11-20-weekly');
    expect((await readdir(dir)).sort()).toEqual([
      '000001-b@example.net.eml',
      '000002-a.person+news@example.net.eml',
      '000003-zo_@example.net.eml',
    ]);
    expect(t.describe()).toBe(`outbox ${join('.gazette', 'outbox', '2026-11-20-weekly')}/`);
  });

  it('the response names the file, relative to the site', async () => {
    const t = createOutboxTransport({ stateDir, digestId: 7 });
    const outcome = await t.send(fixtureMessage({ to: 'ada@example.net' }));
    expect(outcome).toEqual({ ok: true, response: `250 written ${join('.gazette', 'outbox', '7', '000001-ada@example.net.eml')}` });
  });

  it('a resumed send continues the numbering instead of overwriting', async () => {
    const first = createOutboxTransport({ stateDir, digestId: 'd1' });
    await first.send(fixtureMessage({ to: 'a@example.net' }));
    await first.send(fixtureMessage({ to: 'b@example.net' }));
    await first.close();
    const second = createOutboxTransport({ stateDir, digestId: 'd1' });
    await second.send(fixtureMessage({ to: 'c@example.net' }));
    await second.close();
    expect((await readdir(join(stateDir, 'outbox', 'd1'))).sort()).toEqual([
      '000001-a@example.net.eml',
      '000002-b@example.net.eml',
      '000003-c@example.net.eml',
    ]);
  });

  it('leaves no temporary files and keeps messages private to the owner', async () => {
    const t = createOutboxTransport({ stateDir, digestId: 'd2' });
    await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => t.send(fixtureMessage({ to: `${n}@example.net` }))));
    const dir = join(stateDir, 'outbox', 'd2');
    const names = await readdir(dir);
    expect(names.filter((n) => !n.endsWith('.eml'))).toEqual([]);
    expect(names).toHaveLength(6);
    expect((await stat(join(dir, names[0]!))).mode & 0o077).toBe(0);
  });

  it('refuses digest ids that would leave the outbox folder, naming the id', () => {
    for (const id of ['../escape', '..', '.', 'a/b', 'a\\b', '', ' x', 'x\u0000y', '.hidden']) {
      expect(() => createOutboxTransport({ stateDir, digestId: id })).toThrow(GazetteError);
    }
    expect(() => outboxDir(stateDir, '../x')).toThrow(/"\.\.\/x"/);
  });

  it('a write failure is a temporary failure naming the folder, and works once fixed', async () => {
    await mkdir(join(stateDir, 'outbox'), { recursive: true });
    await writeFile(join(stateDir, 'outbox', 'd3'), 'in the way'); // a file where the folder should be
    const t = createOutboxTransport({ stateDir, digestId: 'd3' });
    const outcome = await t.send(fixtureMessage({ to: 'a@example.net' }));
    expect(outcome).toMatchObject({ ok: false, permanent: false });
    expect(outcome.ok ? '' : outcome.response).toContain(join('.gazette', 'outbox', 'd3'));
    await rm(join(stateDir, 'outbox', 'd3'));
    expect((await t.send(fixtureMessage({ to: 'a@example.net' }))).ok).toBe(true);
    expect(await readFile(join(stateDir, 'outbox', 'd3', '000001-a@example.net.eml'), 'utf8')).toBe(fixtureMessage({ to: 'a@example.net' }).raw);
  });

  it('file names stay safe for any address', () => {
    expect(safeRecipientName('../../etc/passwd@x')).toBe('_.._etc_passwd@x');
    expect(safeRecipientName('CON@example.net')).toBe('con@example.net');
    expect(safeRecipientName('a'.repeat(300) + '@example.net')).toHaveLength(80);
    expect(safeRecipientName('日本@例え.jp')).toBe('_@_.jp');
    expect(safeRecipientName('...')).toBe('recipient');
  });
});
