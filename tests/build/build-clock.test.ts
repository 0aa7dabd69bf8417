// No build clock in any file: the same content built at two very different moments (the machine's
// clock and the build's `now` both moved) gives byte-identical trees, and no file names either moment.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { baseConfig, makeSite } from '../helpers/site.js';
import { snapshot, walk } from '../helpers/tree.js';
import { article, build, type TestSite } from './fixtures.js';

const sites: TestSite[] = [];
afterEach(() => {
  vi.useRealTimers();
  sites.splice(0).forEach((s) => s.cleanup());
});

const files = {
  'content/first.md': article('First', '2026-01-05T10:00:00Z', 'Hello [home](/) and ![x](pic.png).', 'tags: [News, Überblick]\n'),
  'content/second.md': article('Second', '2026-02-01', 'Second body.', 'tags: [News]\n'),
  'content/updated.md': article('Updated', '2026-03-01T08:00:00+01:00', 'Edited since.', 'updated: 2026-03-02T09:30:00Z\n'),
  'content/wire.txt': '---\ndate: 2026-03-03\n---\nBy Jo Writer\nA wire story without a title. It has two sentences.\n',
};

async function builtAt(moment: string): Promise<{ hashes: Record<string, string>; text: string }> {
  const s = makeSite({ files, config: baseConfig() });
  sites.push(s);
  // Only Date is faked: the build's timers and I/O run as always.
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(moment) });
  try {
    const r = await build(s.root, { now: new Date(moment) });
    expect(r.report).toMatchObject({ articles: 4, published: 4 });
  } finally {
    vi.useRealTimers();
  }
  const out = join(s.root, 'out');
  return { hashes: snapshot(out), text: walk(out).map((p) => readFileSync(join(out, p), 'utf8')).join('\n') };
}

describe('the build clock', () => {
  it('never reaches the output', async () => {
    const a = await builtAt('2031-07-13T21:17:43Z');
    const b = await builtAt('2047-02-05T04:44:09Z');
    expect(Object.keys(a.hashes).length).toBeGreaterThan(20);
    expect(b.hashes).toEqual(a.hashes);
    expect(a.text).toContain('2026-03-02T09:30:00Z'); // the newest change, as the feeds' updated
    expect(a.text).not.toMatch(/2031|2047/);
  });
});
