// Parsing on worker threads gives exactly what parsing on the main thread gives, in the same order,
// and survives a worker that dies. Worker threads run compiled code, so this test loads dist/
// (`npm test` builds it first).
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type * as Pool from '../../src/build/parse-pool.js';
import type { ParseResult, ParseTask } from '../../src/build/parse-task.js';
import type * as Templates from '../../src/output/load-templates.js';
import { REPO, makeSite } from '../helpers/site.js';
import { makeSite as siteSettings } from '../content/fixtures.js';
import { article, NOW } from './fixtures.js';

const { runParseTasks } = (await import(join(REPO, 'dist/build/parse-pool.js'))) as typeof Pool;
const { loadTemplates } = (await import(join(REPO, 'dist/output/load-templates.js'))) as typeof Templates;

const sites: Array<{ cleanup: () => void }> = [];
afterEach(() => sites.splice(0).forEach((s) => s.cleanup()));

function corpus(n: number) {
  const files: Record<string, string | Uint8Array> = {};
  for (let i = 0; i < n; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    files[`content/a-${String(i).padStart(3, '0')}.md`] = article(`Article ${i} — “${i % 3 ? 'quoted' : 'plain'}”`, `2026-02-${day}`, `Body ${i}.\n\n- x\n- y ${'é'.repeat(i % 5)}`, `tags: [T${i % 4}]\n`);
  }
  files['content/bad.md'] = '---\ntitle: [unclosed\n---\nx\n';
  files['content/notitle.txt'] = 'No title here. Second sentence.\n';
  files['content/bytes.md'] = new Uint8Array([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0x0a]);
  const s = makeSite({ files });
  sites.push(s);
  const names = Object.keys(files).sort();
  const tasks: ParseTask[] = names.map((name, index) => ({ index, sourcePath: name, absolutePath: join(s.root, name), renderPage: true }));
  tasks.push({ index: tasks.length, sourcePath: 'content/missing.md', absolutePath: join(s.root, 'content/missing.md'), renderPage: true });
  return { root: s.root, tasks };
}

/** Results without what differs by nature between two runs (when a file was read). */
function comparable(results: readonly ParseResult[]) {
  return results.map((r) => {
    if (r.kind === 'unreadable') return r;
    const { stamp, ...rest } = r;
    return { ...rest, size: stamp.size, ino: stamp.ino };
  });
}

describe('the parse pool', () => {
  it('gives on two threads what one thread gives, in task order, pages included', async () => {
    const { tasks } = corpus(150);
    const setup = { site: siteSettings(), now: NOW, templates: await loadTemplates(join(REPO, 'templates')) };
    const one = await runParseTasks(tasks, setup, { threads: 1 });
    const two = await runParseTasks(tasks, setup, { threads: 3, minTasksForWorkers: 1, mainThreadParses: false });
    expect(one.workerBatches).toBe(0);
    expect(two.workerBatches).toBeGreaterThan(0);
    expect(comparable(two.results)).toEqual(comparable(one.results));
    const kinds = one.results.map((r) => (r.kind === 'parsed' ? (r.outcome.article ? 'article' : 'problems') : r.kind));
    expect(kinds.filter((k) => k === 'article')).toHaveLength(151);
    expect(kinds.filter((k) => k === 'problems')).toHaveLength(2);
    expect(kinds.at(-1)).toBe('unreadable');
    const page = two.results.find((r) => r.kind === 'parsed' && r.page)!;
    expect(page.kind === 'parsed' && page.page && 'bytes' in page.page && new TextDecoder().decode(page.page.bytes)).toMatch(/^<!doctype html>/);
  });

  it('reports bytes that still match a cached fingerprint as `same`, without parsing them', async () => {
    const { tasks } = corpus(3);
    const setup = { site: siteSettings(), now: NOW };
    const first = await runParseTasks(tasks, setup, { threads: 1 });
    const again = tasks.map((t, i) => {
      const r = first.results[i]!;
      return r.kind === 'parsed' ? { ...t, cachedFingerprint: r.fingerprint } : t;
    });
    const second = await runParseTasks(again, setup, { threads: 2, minTasksForWorkers: 1, mainThreadParses: false });
    expect(second.workerBatches).toBeGreaterThan(0);
    expect(second.results.filter((r) => r.kind === 'same')).toHaveLength(first.results.filter((r) => r.kind === 'parsed').length);
  });

  it('finishes on the main thread when workers cannot start or die', async () => {
    const { tasks } = corpus(40);
    const setup = { site: siteSettings(), now: NOW };
    const expected = comparable((await runParseTasks(tasks, setup, { threads: 1 })).results);
    // Setup a worker cannot receive (a function does not clone): no worker starts.
    const uncloneable = { ...setup, site: { ...setup.site, toJSON: () => 1 } } as unknown as typeof setup;
    const noWorker = await runParseTasks(tasks, uncloneable, { threads: 2, minTasksForWorkers: 1, mainThreadParses: false });
    expect(noWorker.workerBatches).toBe(0);
    expect(comparable(noWorker.results)).toEqual(expected);
    // A heap too small to load the parser: the worker dies, its batches come back.
    const starved = await runParseTasks(tasks, setup, { threads: 2, minTasksForWorkers: 1, workerHeapMb: 2, mainThreadParses: false });
    expect(starved.workerBatches).toBe(0);
    expect(comparable(starved.results)).toEqual(expected);
  });
});
