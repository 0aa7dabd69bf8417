// The build cache's journal (src/build/build-cache.ts) on its own: records pile up in order, a
// damaged record hides itself and everything after it, and a journal grown past a quarter of the
// base is folded into a new base.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { journalFile, readBuildCache, writeBuildCache, type BuildCache, type OutputRecord } from '../../src/build/build-cache.js';

const ID = 'test-identity';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function cacheFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gazette-cache-'));
  dirs.push(dir);
  return join(dir, 'build-cache.bin');
}

/** A cache of `n` outputs (no sources: they are opaque to the journal). */
function cache(n: number, tag = 'a'): BuildCache {
  const outputs = new Map<string, OutputRecord>();
  for (let i = 0; i < n; i++) outputs.set(`articles/a${i}/index.html`, `${'0'.repeat(64)} key-${tag}-${i}`);
  return { parseSettings: 'settings', sources: new Map(), outputs, bodies: new Map([['content/a.md', 'body-key']]) };
}

/** `base` with outputs `changes` set (null: removed). */
function edit(base: BuildCache, changes: Record<string, string | null>): BuildCache {
  const outputs = new Map(base.outputs);
  for (const [path, record] of Object.entries(changes)) {
    if (record === null) outputs.delete(path);
    else outputs.set(path, record);
  }
  return { ...base, outputs };
}

const plain = (c: BuildCache) => ({ parseSettings: c.parseSettings, sources: [...c.sources], outputs: [...c.outputs], bodies: [...c.bodies] });

describe('the build cache journal', () => {
  it('appends each small change in order; the base stays as written; reading replays them all', () => {
    const file = cacheFile();
    writeBuildCache(file, ID, cache(400));
    const base = readFileSync(file);
    const one = edit(cache(400), { 'articles/a1/index.html': 'r1', 'new.html': 'r-new' });
    writeBuildCache(file, ID, one, readBuildCache(file, ID));
    const two = edit(one, { 'articles/a1/index.html': 'r2', 'articles/a2/index.html': null });
    writeBuildCache(file, ID, two, readBuildCache(file, ID));
    expect(readFileSync(file).equals(base)).toBe(true);
    expect(plain(readBuildCache(file, ID))).toEqual(plain(two));
    // Nothing changed: nothing is written.
    const size = statSync(journalFile(file)).size;
    writeBuildCache(file, ID, two, readBuildCache(file, ID));
    expect(statSync(journalFile(file)).size).toBe(size);
  });

  it('stops at a damaged record: it and every later one are ignored, and the next append overwrites them', () => {
    const file = cacheFile();
    writeBuildCache(file, ID, cache(400));
    const one = edit(cache(400), { 'articles/a1/index.html': 'r1' });
    writeBuildCache(file, ID, one, readBuildCache(file, ID));
    const firstEnd = statSync(journalFile(file)).size;
    const two = edit(one, { 'articles/a2/index.html': 'r2' });
    writeBuildCache(file, ID, two, readBuildCache(file, ID));
    // Damage the first record's payload: the second, sound as it is, must not be applied alone.
    const journal = readFileSync(journalFile(file));
    journal[firstEnd - 3] = journal[firstEnd - 3]! ^ 0xff;
    writeFileSync(journalFile(file), journal);
    const read = readBuildCache(file, ID);
    expect(plain(read)).toEqual(plain(cache(400)));
    expect(read.origin?.journalEnd).toBe(0);
    const three = edit(cache(400), { 'articles/a3/index.html': 'r3' });
    writeBuildCache(file, ID, three, read);
    expect(statSync(journalFile(file)).size).toBeLessThan(journal.length);
    expect(plain(readBuildCache(file, ID))).toEqual(plain(three));
  });

  it('folds a journal grown past a quarter of the base into a new base, and removes it', () => {
    const file = cacheFile();
    writeBuildCache(file, ID, cache(400));
    const base = readFileSync(file);
    writeBuildCache(file, ID, edit(cache(400), { 'articles/a1/index.html': 'r1' }), readBuildCache(file, ID));
    expect(existsSync(journalFile(file))).toBe(true);
    // Half of the outputs change: more than a quarter of the base.
    const big = cache(400, 'b');
    writeBuildCache(file, ID, big, readBuildCache(file, ID));
    expect(existsSync(journalFile(file))).toBe(false);
    expect(readFileSync(file).equals(base)).toBe(false);
    expect(plain(readBuildCache(file, ID))).toEqual(plain(big));
  });

  it('is never appended under other parse settings: the whole cache is written', () => {
    const file = cacheFile();
    writeBuildCache(file, ID, cache(400));
    const other = { ...edit(cache(400), { 'articles/a1/index.html': 'r1' }), parseSettings: 'other settings' };
    writeBuildCache(file, ID, other, readBuildCache(file, ID));
    expect(existsSync(journalFile(file))).toBe(false);
    expect(readBuildCache(file, ID).parseSettings).toBe('other settings');
  });
});
