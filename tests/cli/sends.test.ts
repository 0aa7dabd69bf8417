/**
 * `gazette sends [ID] [--json]`: the send history with the fields DESIGN.md fixes, and one send's
 * per-recipient rows. Two real publishes to the file outbox, a new article in between.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { articleFiles, gazetteAsync, gazetteJson, mailSite } from './helpers-mail.js';

const cleanups: Array<() => unknown> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const SUMMARY_KEYS = ['articles', 'created_at', 'failed', 'id', 'pending', 'recipients', 'sent', 'status', 'uncertain'];
const DELIVERY_KEYS = ['attempts', 'email', 'last_attempt_at', 'last_error', 'message_id', 'name', 'permanent', 'sent_at', 'status'];

describe('gazette sends', () => {
  it('lists every send with the documented fields; with an id, each recipient', async () => {
    const s = mailSite({ articles: 2 });
    cleanups.push(() => s.cleanup());
    const empty = await gazetteAsync(s.root, ['sends']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toBe('no digests yet\n');

    expect((await gazetteAsync(s.root, ['subscribers', 'add', 'ann@example.net', '--name', 'Ann'])).code).toBe(0);
    expect((await gazetteAsync(s.root, ['publish'])).code).toBe(0);
    // A second digest: one new article, one more subscriber.
    for (const [path, content] of Object.entries(articleFiles(1, 10))) s.write(path, content);
    expect((await gazetteAsync(s.root, ['subscribers', 'add', 'bob@example.net'])).code).toBe(0);
    const second = await gazetteAsync(s.root, ['publish']);
    expect(second.code, second.stderr).toBe(0);

    const { run, json } = await gazetteJson<Array<Record<string, unknown>>>(s.root, ['sends']);
    expect(run.code, run.stderr).toBe(0);
    expect(json).toHaveLength(2);
    for (const d of json) {
      expect(Object.keys(d).sort()).toEqual(SUMMARY_KEYS);
      expect(d.created_at).toEqual(new Date(String(d.created_at)).toISOString());
    }
    const [first, later] = [...json].sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
    expect(first).toMatchObject({ articles: 2, recipients: 1, sent: 1, failed: 0, pending: 0, uncertain: 0, status: 'finished' });
    expect(later).toMatchObject({ articles: 1, recipients: 2, sent: 2, failed: 0, pending: 0, uncertain: 0, status: 'finished' });
    expect(second.stdout).toContain(`digest ${String(later!.id)} finished: 2 recipients, 2 sent`);

    const detail = await gazetteJson<Record<string, unknown> & { deliveries: Array<Record<string, unknown>> }>(s.root, ['sends', String(later!.id)]);
    expect(detail.run.code, detail.run.stderr).toBe(0);
    // Streamed row by row, yet exactly what JSON.stringify would print.
    expect(detail.run.stdout).toBe(`${JSON.stringify(detail.json, null, 2)}\n`);
    expect(Object.keys(detail.json).sort()).toEqual([...SUMMARY_KEYS, 'deliveries'].sort());
    expect(detail.json).toMatchObject(later!);
    expect(detail.json.deliveries.map((d) => Object.keys(d).sort())).toEqual([DELIVERY_KEYS, DELIVERY_KEYS]);
    expect(detail.json.deliveries).toEqual([
      expect.objectContaining({ email: 'ann@example.net', name: 'Ann', status: 'sent', attempts: 1, last_error: null, permanent: false }),
      expect.objectContaining({ email: 'bob@example.net', name: null, status: 'sent', attempts: 1, last_error: null, permanent: false }),
    ]);
    for (const d of detail.json.deliveries) {
      expect(d.message_id).toMatch(/^<[^@\s]+@test\.example\.org>$/);
      expect(Date.parse(String(d.sent_at))).toBeGreaterThanOrEqual(Date.parse(String(later!.created_at)));
    }

    const text = await gazetteAsync(s.root, ['sends', String(later!.id)]);
    expect(text.stdout).toBe(
      `sent      ann@example.net\nsent      bob@example.net\n${String(later!.id)}: 2 recipients, 2 sent, 0 failed, 0 pending, 0 uncertain (finished)\n`,
    );
    const unknown = await gazetteAsync(s.root, ['sends', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no digest "nope": `gazette sends` lists them/);
  });
});
