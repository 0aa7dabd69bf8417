// The build cache and the reuse of outputs are only ever an optimisation: a damaged, foreign or
// outdated cache, a hand-edited out/ file or an edit that keeps a file's size and mtime (a source
// or an output) can make a build slower, never different from a build from scratch.
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { journalFile } from '../../src/build/build-cache.js';
import { BUILD_CACHE_FILE } from '../../src/commands/build.js';
import { baseConfig, makeSite } from '../helpers/site.js';
import { article, build, sampleFiles, scratchBuild, settle, snapshot, type TestSite } from './fixtures.js';

const sites: TestSite[] = [];
afterEach(() => sites.splice(0).forEach((s) => s.cleanup()));

function site(): TestSite {
  const s = makeSite({ files: sampleFiles(), config: baseConfig() });
  sites.push(s);
  return s;
}

const cacheFile = (s: TestSite) => join(s.root, '.gazette', BUILD_CACHE_FILE);

describe('a damaged build cache', () => {
  const damages: Array<[string, (file: string) => void]> = [
    ['truncated', (f) => writeFileSync(f, readFileSync(f).subarray(0, 200))],
    ['one byte flipped in the payload', (f) => {
      const bytes = readFileSync(f);
      bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
      writeFileSync(f, bytes);
    }],
    ['replaced by garbage', (f) => writeFileSync(f, 'not a cache at all')],
    ['written by another Gazette', (f) => writeFileSync(f, readFileSync(f, 'latin1').replace(/^(gazette-build-cache\n)[0-9a-f]{8}/, '$100000000'), 'latin1')],
    ['empty', (f) => writeFileSync(f, '')],
  ];
  it.each(damages)('%s: is ignored, everything is parsed again, the output is right', async (_name, damage) => {
    const s = site();
    await build(s.root);
    await settle();
    s.write('content/beta.md', article('Beta changed', '2026-02-01', 'Changed.', 'tags: [News]\n'));
    damage(cacheFile(s));
    const r = await build(s.root);
    expect(r.report.parsed).toBe(6);
    expect(r.warnings.join('\n')).toMatch(/no title: derived/);
    expect(snapshot(join(s.root, 'out'))).toEqual(await scratchBuild(s, sites));
    // And a sound cache is written again.
    await settle();
    expect((await build(s.root)).report.parsed).toBe(0);
  });
});

describe('the build cache journal', () => {
  /** Forty articles: a cache big enough that one edited article is appended, not rewritten. */
  /** Built, and built again once its files are settled (the second build trusts every stamp). */
  async function steady(s: TestSite): Promise<void> {
    await build(s.root);
    await settle();
    await build(s.root);
    await settle();
  }

  function bigSite(): TestSite {
    const files: Record<string, string> = {};
    for (let i = 10; i < 50; i++) files[`content/a${i}.md`] = article(`Article ${i}`, `2026-01-${String((i % 28) + 1).padStart(2, '0')}T10:00:00Z`, `Body ${i}. `.repeat(40), 'tags: [News]\n');
    const s = makeSite({ files, config: baseConfig() });
    sites.push(s);
    return s;
  }

  it('takes what a build changed; the base file stays as it was, and the next build reads both', async () => {
    const s = bigSite();
    await steady(s);
    const base = readFileSync(cacheFile(s));
    s.write('content/a20.md', article('Article 20, edited', '2026-01-21T10:00:00Z', 'New body.', 'tags: [News]\n'));
    expect((await build(s.root)).report.parsed).toBe(1);
    expect(readFileSync(cacheFile(s)).equals(base)).toBe(true);
    expect(statSync(journalFile(cacheFile(s))).size).toBeGreaterThan(0);
    await settle();
    // Both edits are known from the journal: nothing is parsed or written again.
    expect((await build(s.root)).report).toMatchObject({ parsed: 0, written: 0 });
    expect(snapshot(join(s.root, 'out'))).toEqual(await scratchBuild(s, sites));
  });

  // How many articles the next build parses: a dropped record's edit (a30) is parsed again.
  const damages: Array<[string, (journal: string, s: TestSite) => void | Promise<void>, number]> = [
    ['torn (its last bytes never written)', (j) => writeFileSync(j, readFileSync(j).subarray(0, statSync(j).size - 7)), 2],
    ['one byte flipped', (j) => {
      const bytes = readFileSync(j);
      bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
      writeFileSync(j, bytes);
    }, 2],
    ['written against another base file', (j, s) => {
      // The base is rewritten as a new build saves from scratch; the old journal is put back.
      const old = readFileSync(j);
      rmSync(cacheFile(s));
      rmSync(j);
      return build(s.root).then(() => writeFileSync(j, old));
    }, 1],
  ];
  it.each(damages)('with a record %s: that record is ignored and the output is right', async (_name, damage, parsed) => {
    const s = bigSite();
    await steady(s);
    s.write('content/a30.md', article('Article 30, edited', '2026-01-03T10:00:00Z', 'Edited once.', 'tags: [News, Extra]\n'));
    await build(s.root);
    const journal = journalFile(cacheFile(s));
    expect(existsSync(journal)).toBe(true);
    await damage(journal, s);
    await settle();
    s.write('content/a40.md', article('Article 40, edited', '2026-01-13T10:00:00Z', 'Edited too.', 'tags: [Extra]\n'));
    const r = await build(s.root);
    expect(r.report.parsed).toBe(parsed);
    expect(snapshot(join(s.root, 'out'))).toEqual(await scratchBuild(s, sites));
    // The next append goes where the sound records end: the cache is whole again.
    await settle();
    expect((await build(s.root)).report).toMatchObject({ parsed: 0, written: 0 });
  });
});

describe('source files', () => {
  it('are parsed again when edited in place with the same size and mtime (the ctime moves)', async () => {
    const s = site();
    const out = join(s.root, 'out');
    const file = join(s.root, 'content/gamma.md');
    const mtime = new Date('2026-03-01T00:00:00Z'); // whole seconds: utimes sets them exactly
    utimesSync(file, mtime, mtime);
    await settle();
    await build(s.root);
    const text = readFileSync(file, 'utf8');
    const edited = text.replace('Gamma body.', 'Gamma BODY.');
    expect(edited.length).toBe(text.length);
    const fd = openSync(file, 'r+');
    writeSync(fd, edited, 0, 'utf8');
    closeSync(fd);
    utimesSync(file, mtime, mtime);
    expect(statSync(file).mtimeMs).toBe(mtime.getTime());
    const r = await build(s.root);
    expect(r.report.parsed).toBe(1);
    expect(readFileSync(join(out, 'articles/gamma/index.html'), 'utf8')).toContain('Gamma BODY.');
  });

  it('just touched are read again but not parsed: same bytes, same parse', async () => {
    const s = site();
    await build(s.root);
    await settle();
    const now = new Date();
    utimesSync(join(s.root, 'content/alpha.md'), now, now);
    const r = await build(s.root);
    expect(r.report).toMatchObject({ parsed: 0, rendered: 0, written: 0 });
  });
});

describe('output files', () => {
  it('edited, deleted or replaced by hand are written again although nothing they show changed', async () => {
    const s = site();
    const out = join(s.root, 'out');
    await build(s.root);
    // A whole-second mtime, which utimes can put back exactly.
    const gamma = join(out, 'articles/gamma/index.html');
    const mtime = new Date('2026-03-01T00:00:00Z');
    utimesSync(gamma, mtime, mtime);
    await settle();
    // This build confirms every file's bytes 2 s after it last changed: from now on a stat vouches.
    expect((await build(s.root)).report.written).toBe(0);
    const good = snapshot(out);
    const page = join(out, 'articles/alpha/index.html');
    const sameSize = readFileSync(page, 'utf8').replace('Alpha', 'ALPHA');
    writeFileSync(page, sameSize);
    rmSync(join(out, 'feed.xml'));
    writeFileSync(join(out, 'tags/index.html'), 'vandalised');
    // Edited in place with its size kept and its mtime put back: only the ctime tells.
    writeFileSync(gamma, readFileSync(gamma, 'utf8').replace('Gamma', 'GAMMA'));
    utimesSync(gamma, mtime, mtime);
    expect(statSync(gamma).mtimeMs).toBe(mtime.getTime());
    const r = await build(s.root);
    expect(r.report.written).toBe(4);
    expect(snapshot(out)).toEqual(good);
  });

  it('are all rendered again when out/ was deleted, and the manifest with it', async () => {
    const s = site();
    const out = join(s.root, 'out');
    await build(s.root);
    const good = snapshot(out);
    rmSync(out, { recursive: true });
    rmSync(join(s.root, '.gazette/out-manifest.json'));
    const r = await build(s.root);
    expect(r.report.written).toBe(Object.keys(good).length);
    expect(snapshot(out)).toEqual(good);
  });
});

describe('a build that died while writing', () => {
  it('leaves a partial manifest the next build merges: its temporary files and stale outputs are cleaned', async () => {
    const s = site();
    const out = join(s.root, 'out');
    await build(s.root);
    const good = snapshot(out);
    const manifestFile = join(s.root, '.gazette/out-manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { outDir: string; files: Record<string, unknown> };
    // As if a run had renamed one new file into place and written one temporary file, then died.
    writeFileSync(join(out, 'orphan.html'), 'left by a dead run');
    const temp = 'articles/alpha/.index.html.4242.0123456789ab.tmp';
    writeFileSync(join(out, temp), 'half');
    writeFileSync(
      `${manifestFile}.partial`,
      JSON.stringify({ version: 1, outDir: manifest.outDir, pendingTemps: [temp], files: { 'orphan.html': ['0'.repeat(64), 18, null, 0] } }),
    );
    const r = await build(s.root);
    expect(r.report.removed).toBe(1);
    expect(existsSync(join(out, temp))).toBe(false);
    expect(existsSync(`${manifestFile}.partial`)).toBe(false);
    expect(snapshot(out)).toEqual(good);
  });
});
