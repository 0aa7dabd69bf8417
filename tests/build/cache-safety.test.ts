// The build cache and the reuse of outputs are only ever an optimisation: a damaged, foreign or
// outdated cache, a hand-edited out/ file or an edit that keeps a file's size and mtime can make a
// build slower, never different from a build from scratch.
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
    const good = snapshot(out);
    await settle();
    const page = join(out, 'articles/alpha/index.html');
    const sameSize = readFileSync(page, 'utf8').replace('Alpha', 'ALPHA');
    writeFileSync(page, sameSize);
    rmSync(join(out, 'feed.xml'));
    writeFileSync(join(out, 'tags/index.html'), 'vandalised');
    const r = await build(s.root);
    expect(r.report.written).toBe(3);
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
