/**
 * The writer against a real folder: what a web server, rsync or a reader polling out/ would see.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import type { OutputFile } from '../../src/model/index.js';
import { copyStaticDir } from '../../src/output/copy-static-dir.js';
import { writeOutput } from '../../src/output/write-output.js';
import { settle } from '../helpers/site.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function makeRoot(): { out: string; manifestFile: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'gazette-out-'));
  roots.push(root);
  return { root, out: join(root, 'out'), manifestFile: join(root, '.gazette', 'out-manifest.json') };
}

function site(version = 1): OutputFile[] {
  return [
    { path: 'index.html', content: `<h1>Home v${version}</h1>` },
    { path: 'feed.xml', content: `<rss>v${version}</rss>` },
    { path: 'articles/hello/index.html', content: '<p>Hello, wörld</p>' },
    { path: 'articles/bye/index.html', content: '<p>Bye</p>' },
    { path: 'img/dot.gif', content: new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x00, 0xff]) },
  ];
}

/** Every file under `dir`, relative, sorted. */
function tree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tree(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

const OLD = new Date('2020-01-01T00:00:00Z');

/** Back-date every file so that a rewrite would show up as a new mtime. */
function backdate(out: string): void {
  for (const f of tree(out)) utimesSync(join(out, f), OLD, OLD);
}

function mtimes(out: string): Record<string, number> {
  return Object.fromEntries(tree(out).map((f) => [f, statSync(join(out, f)).mtimeMs]));
}

async function rejection(p: Promise<unknown>): Promise<GazetteError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GazetteError) return e;
    throw e;
  }
  throw new Error('expected a GazetteError');
}

describe('writeOutput', () => {
  it('writes every file, creating folders, and leaves no temporary file behind', async () => {
    const { out, manifestFile } = makeRoot();
    const result = await writeOutput(out, site(), { manifestFile });
    expect(result).toEqual({ written: site().map((f) => f.path), unchanged: 0, removed: [] });
    expect(tree(out)).toEqual(['articles/bye/index.html', 'articles/hello/index.html', 'feed.xml', 'img/dot.gif', 'index.html']);
    expect(readFileSync(join(out, 'articles/hello/index.html'), 'utf8')).toBe('<p>Hello, wörld</p>');
    expect([...readFileSync(join(out, 'img/dot.gif'))]).toEqual([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x00, 0xff]);
    expect(tree(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(manifestFile)).toBe(true);
    expect(tree(join(manifestFile, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes nothing when nothing changed: every mtime stays', async () => {
    const { out, manifestFile } = makeRoot();
    await writeOutput(out, site(), { manifestFile });
    backdate(out);
    const before = mtimes(out);
    const again = await writeOutput(out, site(), { manifestFile });
    expect(again).toEqual({ written: [], unchanged: 5, removed: [] });
    expect(mtimes(out)).toEqual(before);
    // And a third time, now from the settled manifest alone.
    expect(await writeOutput(out, site(), { manifestFile })).toEqual({ written: [], unchanged: 5, removed: [] });
    expect(mtimes(out)).toEqual(before);
  });

  it('rewrites only what changed', async () => {
    const { out, manifestFile } = makeRoot();
    await writeOutput(out, site(1), { manifestFile });
    backdate(out);
    const result = await writeOutput(out, site(2), { manifestFile });
    expect(result.written).toEqual(['index.html', 'feed.xml']);
    expect(result.unchanged).toBe(3);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('<h1>Home v2</h1>');
    expect(statSync(join(out, 'articles/bye/index.html')).mtime).toEqual(OLD);
    expect(statSync(join(out, 'index.html')).mtime).not.toEqual(OLD);
  });

  it('repairs a file edited by hand in out/, even an edit of the same size right after the write', async () => {
    const { out, manifestFile } = makeRoot();
    await writeOutput(out, site(), { manifestFile });
    // Same size, same second: only the bytes tell.
    writeFileSync(join(out, 'feed.xml'), '<rss>XX</rss>');
    writeFileSync(join(out, 'index.html'), 'vandalised');
    const result = await writeOutput(out, site(), { manifestFile });
    expect(result.written.sort()).toEqual(['feed.xml', 'index.html']);
    expect(readFileSync(join(out, 'feed.xml'), 'utf8')).toBe('<rss>v1</rss>');
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('<h1>Home v1</h1>');
  });

  it('repairs a same-size edit that kept the mtime of our write (a coarse-clock filesystem)', async () => {
    const { out, manifestFile } = makeRoot();
    await writeOutput(out, site(), { manifestFile });
    // Give the file a whole-second mtime, as a 1 s or 2 s clock would, and let the writer record it.
    const tick = new Date(Math.floor(Date.now() / 1000) * 1000);
    utimesSync(join(out, 'feed.xml'), tick, tick);
    expect((await writeOutput(out, site(), { manifestFile })).written).toEqual([]);
    // An edit in that same tick: same size, same mtime. Only the bytes can tell.
    writeFileSync(join(out, 'feed.xml'), '<rss>XX</rss>');
    utimesSync(join(out, 'feed.xml'), tick, tick);
    expect((await writeOutput(out, site(), { manifestFile })).written).toEqual(['feed.xml']);
    expect(readFileSync(join(out, 'feed.xml'), 'utf8')).toBe('<rss>v1</rss>');
  });

  it('repairs a deleted file and a file replaced by a folder or a link', async () => {
    const { out, manifestFile, root } = makeRoot();
    await writeOutput(out, site(), { manifestFile });
    rmSync(join(out, 'feed.xml'));
    rmSync(join(out, 'index.html'));
    writeFileSync(join(root, 'elsewhere.html'), '<h1>Home v1</h1>');
    symlinkSync(join(root, 'elsewhere.html'), join(out, 'index.html'));
    const result = await writeOutput(out, site(), { manifestFile });
    expect(result.written.sort()).toEqual(['feed.xml', 'index.html']);
    expect(lstatSync(join(out, 'index.html')).isFile()).toBe(true);
    expect(readFileSync(join(root, 'elsewhere.html'), 'utf8')).toBe('<h1>Home v1</h1>');
  });

  it('trusts a settled entry on stat alone (the files are not read), and no edit escapes the stat', async () => {
    const { out, manifestFile } = makeRoot();
    await writeOutput(out, site(), { manifestFile });
    backdate(out); // whole-second mtimes, which utimes can put back exactly
    await settle(); // the files' ctimes are 2 s old: a comparison now settles their entries
    await writeOutput(out, site(), { manifestFile }); // compares bytes once, then trusts the stat
    const settled = readFileSync(manifestFile, 'utf8');
    // Trusted: nothing is compared again, so no entry is confirmed anew (its checkedAt stays).
    expect((await writeOutput(out, site(), { manifestFile })).written).toEqual([]);
    expect(readFileSync(manifestFile, 'utf8')).toBe(settled);
    // Same size, the same mtime put back, other bytes: the ctime moved, so the bytes are compared
    // and the file is repaired.
    writeFileSync(join(out, 'feed.xml'), '<rss>ZZ</rss>');
    utimesSync(join(out, 'feed.xml'), OLD, OLD);
    expect(statSync(join(out, 'feed.xml')).mtimeMs).toBe(OLD.getTime());
    expect((await writeOutput(out, site(), { manifestFile })).written).toEqual(['feed.xml']);
    expect(readFileSync(join(out, 'feed.xml'), 'utf8')).not.toBe('<rss>ZZ</rss>');
  });

  it('removes files it wrote before and no longer produces, and the folders they leave empty', async () => {
    const { out, manifestFile } = makeRoot();
    await writeOutput(out, site(), { manifestFile });
    mkdirSync(join(out, 'digests'), { recursive: true });
    writeFileSync(join(out, 'digests', '2026-01-05.html'), 'written by the digest');
    writeFileSync(join(out, 'robots.txt'), 'User-agent: *');
    mkdirSync(join(out, 'articles', 'hello', 'files'));
    writeFileSync(join(out, 'articles', 'hello', 'files', 'notes.txt'), 'the operator put this here');

    const without = site().filter((f) => !f.path.startsWith('articles/'));
    const result = await writeOutput(out, without, { manifestFile });
    expect(result.removed).toEqual(['articles/bye/index.html', 'articles/hello/index.html']);
    expect(existsSync(join(out, 'articles', 'bye'))).toBe(false);
    // A folder that still holds someone else's file stays, with that file.
    expect(readFileSync(join(out, 'articles', 'hello', 'files', 'notes.txt'), 'utf8')).toBe('the operator put this here');
    expect(readFileSync(join(out, 'digests', '2026-01-05.html'), 'utf8')).toBe('written by the digest');
    expect(readFileSync(join(out, 'robots.txt'), 'utf8')).toBe('User-agent: *');
    expect(tree(out)).toEqual(['articles/hello/files/notes.txt', 'digests/2026-01-05.html', 'feed.xml', 'img/dot.gif', 'index.html', 'robots.txt']);
  });

  it('reads a manifest an older Gazette wrote (version 1): its files are still known and owned', async () => {
    const { out, manifestFile } = makeRoot();
    await writeOutput(out, site(), { manifestFile });
    await settle();
    await writeOutput(out, site(), { manifestFile }); // settles every entry: trusted on stat from now on
    const current = JSON.parse(readFileSync(manifestFile, 'utf8')) as { version: number; outDir: string; files: [string, ...unknown[]][] };
    expect(current.version).toBe(2);
    expect(current.files.map(([path]) => path)).toEqual(['articles/bye/index.html', 'articles/hello/index.html', 'feed.xml', 'img/dot.gif', 'index.html']);
    // The same entries as version 1 kept them: an object keyed by path.
    const v1 = { version: 1, outDir: current.outDir, pendingTemps: [], files: Object.fromEntries(current.files.map(([path, ...entry]) => [path, entry])) };
    writeFileSync(manifestFile, JSON.stringify(v1));
    const before = mtimes(out);

    const result = await writeOutput(
      out,
      site().filter((f) => f.path !== 'articles/bye/index.html'),
      { manifestFile },
    );
    expect(result).toEqual({ written: [], unchanged: 4, removed: ['articles/bye/index.html'] });
    const { ['articles/bye/index.html']: _gone, ...kept } = before;
    expect(mtimes(out)).toEqual(kept);
    const rewritten = JSON.parse(readFileSync(manifestFile, 'utf8')) as { version: number; files: [string, ...unknown[]][] };
    expect(rewritten.version).toBe(2);
    expect(rewritten.files.map(([path]) => path)).toEqual(['articles/hello/index.html', 'feed.xml', 'img/dot.gif', 'index.html']);
  });

  it('never deletes a file it did not write, even one at a path it used to own under another out/', async () => {
    const { out, manifestFile, root } = makeRoot();
    await writeOutput(out, site(), { manifestFile });
    const other = join(root, 'public');
    mkdirSync(other);
    writeFileSync(join(other, 'feed.xml'), 'not ours');
    await writeOutput(other, [{ path: 'index.html', content: 'x' }], { manifestFile });
    expect(readFileSync(join(other, 'feed.xml'), 'utf8')).toBe('not ours');
  });

  it('turns a file into a folder and a folder into a file across builds', async () => {
    const { out, manifestFile } = makeRoot();
    await writeOutput(out, [{ path: 'about', content: 'a file' }, { path: 'team/index.html', content: 'team' }], { manifestFile });
    const result = await writeOutput(out, [{ path: 'about/index.html', content: 'now a page' }, { path: 'team', content: 'now a file' }], { manifestFile });
    expect(result.removed).toEqual(['about', 'team/index.html']);
    expect(readFileSync(join(out, 'about/index.html'), 'utf8')).toBe('now a page');
    expect(readFileSync(join(out, 'team'), 'utf8')).toBe('now a file');
  });

  it('rejects a path produced twice, naming it, before writing anything', async () => {
    const { out, manifestFile } = makeRoot();
    const files = [...site(), { path: 'feed.xml', content: 'again' }];
    const err = await rejection(writeOutput(out, files, { manifestFile }));
    expect(err.code).toBe('OUTPUT');
    expect(err.message).toContain('"feed.xml" is produced twice');
    expect(tree(out)).toEqual([]);
  });

  it('rejects a path that is both a file and a folder', async () => {
    const { out, manifestFile } = makeRoot();
    const err = await rejection(writeOutput(out, [{ path: 'a', content: '1' }, { path: 'a/b.html', content: '2' }], { manifestFile }));
    expect(err.message).toContain('"a" is produced as a file but "a/b.html" needs it to be a folder');
  });

  it.each([
    ['../escape.html', '".." segment'],
    ['articles/../../escape.html', '".." segment'],
    ['/etc/passwd', 'not absolute'],
    ['a\\b.html', 'backslashes'],
    ['C:/x.html', 'drive path'],
    ['./index.html', '"." segment'],
    ['a//b.html', 'empty segment'],
    ['dir/', 'empty segment'],
    ['', 'empty'],
    ['bad\u0000name', 'not allowed'],
  ])('refuses the path %j', async (path, why) => {
    const { out, manifestFile, root } = makeRoot();
    const err = await rejection(writeOutput(out, [{ path: 'ok.html', content: 'ok' }, { path, content: 'x' }], { manifestFile }));
    expect(err.code).toBe('OUTPUT');
    expect(err.message).toContain(JSON.stringify(path));
    expect(err.message).toContain(why);
    expect(tree(root)).toEqual([]);
  });

  it('changes nothing in a dry run, and says what it would do', async () => {
    const { out, manifestFile } = makeRoot();
    expect(await writeOutput(out, site(), { manifestFile, dryRun: true })).toEqual({ written: site().map((f) => f.path), unchanged: 0, removed: [] });
    expect(existsSync(out)).toBe(false);
    expect(existsSync(manifestFile)).toBe(false);
    await writeOutput(out, site(1), { manifestFile });
    const manifest = readFileSync(manifestFile, 'utf8');
    backdate(out);
    const plan = await writeOutput(out, site(2).slice(0, 3), { manifestFile, dryRun: true });
    expect(plan).toEqual({ written: ['index.html', 'feed.xml'], unchanged: 1, removed: ['articles/bye/index.html', 'img/dot.gif'] });
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('<h1>Home v1</h1>');
    expect(existsSync(join(out, 'img/dot.gif'))).toBe(true);
    expect(readFileSync(manifestFile, 'utf8')).toBe(manifest);
  });

  it('leaves out/ untouched when rendering fails halfway through the files', async () => {
    const { out, manifestFile } = makeRoot();
    await writeOutput(out, site(1), { manifestFile });
    const before = Object.fromEntries(tree(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
    function* failing(): Generator<OutputFile> {
      yield { path: 'index.html', content: 'new home' };
      yield { path: 'new/page.html', content: 'new page' };
      throw new Error('template blew up on article 3');
    }
    await expect(writeOutput(out, failing(), { manifestFile })).rejects.toThrow('template blew up');
    expect(Object.fromEntries(tree(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]))).toEqual(before);
    // The next good build carries on as if nothing happened.
    expect((await writeOutput(out, site(1), { manifestFile })).written).toEqual([]);
  });

  it('keeps a true manifest when a rename fails midway, and recovers on the next build', async () => {
    const { out, manifestFile } = makeRoot();
    await writeOutput(out, site(1), { manifestFile });
    // Someone made a folder where a page must go: the rename of that one page cannot succeed.
    mkdirSync(join(out, 'blocked.html'));
    writeFileSync(join(out, 'blocked.html', 'keep.txt'), 'foreign');
    const files = [{ path: 'a.html', content: 'A' }, { path: 'blocked.html', content: 'B' }, ...site(2)];
    const err = await rejection(writeOutput(out, files, { manifestFile }));
    expect(err.code).toBe('OUTPUT');
    expect(err.message).toContain(join(out, 'blocked.html'));
    expect(readFileSync(join(out, 'a.html'), 'utf8')).toBe('A'); // renamed before the failure: stays
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('<h1>Home v1</h1>'); // after it: untouched
    expect(tree(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { files: [string, ...unknown[]][]; pendingTemps: string[] };
    const listed = manifest.files.map(([path]) => path);
    expect(listed).toContain('a.html');
    expect(listed).not.toContain('blocked.html');
    expect(manifest.pendingTemps).toEqual([]);

    rmSync(join(out, 'blocked.html'), { recursive: true });
    const retry = await writeOutput(out, files, { manifestFile });
    expect(retry.written.sort()).toEqual(['blocked.html', 'feed.xml', 'index.html']);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('<h1>Home v2</h1>');
  });

  it('deletes temporary files left by a run that was killed', async () => {
    const { out, manifestFile } = makeRoot();
    await writeOutput(out, site(), { manifestFile });
    // What a run killed between writing its temporary files and renaming them leaves behind.
    const temp = 'articles/hello/.index.html.4242.0123456789ab.tmp';
    writeFileSync(join(out, temp), 'half');
    writeFileSync(join(out, 'keep.0123456789ab.tmp'), 'not ours: wrong shape');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { pendingTemps: string[] };
    manifest.pendingTemps = [temp, 'keep.0123456789ab.tmp', '../outside.4242.0123456789ab.tmp'];
    writeFileSync(manifestFile, JSON.stringify(manifest));
    await writeOutput(out, site(), { manifestFile });
    expect(existsSync(join(out, temp))).toBe(false);
    expect(existsSync(join(out, 'keep.0123456789ab.tmp'))).toBe(true);
    expect((JSON.parse(readFileSync(manifestFile, 'utf8')) as { pendingTemps: string[] }).pendingTemps).toEqual([]);
  });

  it('survives a corrupt manifest by comparing bytes (and deleting nothing)', async () => {
    const { out, manifestFile } = makeRoot();
    await writeOutput(out, site(), { manifestFile });
    backdate(out);
    writeFileSync(manifestFile, '{"version": 1, "files": [tr');
    const result = await writeOutput(out, site().slice(1), { manifestFile });
    expect(result).toEqual({ written: [], unchanged: 4, removed: [] });
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });

  it('never lets a reader see part of a file', async () => {
    const { out, manifestFile } = makeRoot();
    const size = 4 * 1024 * 1024;
    const a = 'a'.repeat(size);
    const b = 'b'.repeat(size);
    await writeOutput(out, [{ path: 'big.html', content: a }], { manifestFile });
    const stop = join(out, '..', 'stop');
    // A separate process reads the file in a tight loop while we replace it over and over.
    const reader = spawn(process.execPath, [
      '-e',
      `const fs = require('fs');
       let reads = 0, bad = 0;
       while (!fs.existsSync(${JSON.stringify(stop)})) {
         const s = fs.readFileSync(${JSON.stringify(join(out, 'big.html'))}, 'latin1');
         reads++;
         if (s.length !== ${size} || (s !== 'a'.repeat(${size}) && s !== 'b'.repeat(${size}))) bad++;
       }
       process.stdout.write(JSON.stringify({ reads, bad }));`,
    ]);
    let stdout = '';
    reader.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const done = new Promise<void>((resolve) => reader.on('close', () => resolve()));
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 30; i++) {
      await writeOutput(out, [{ path: 'big.html', content: i % 2 ? a : b }], { manifestFile });
      await new Promise((r) => setTimeout(r, 5));
    }
    writeFileSync(stop, '');
    await done;
    const { reads, bad } = JSON.parse(stdout) as { reads: number; bad: number };
    expect(reads).toBeGreaterThan(10);
    expect(bad).toBe(0);
  });
});

describe('copyStaticDir', () => {
  it('turns static/ into output files with the same paths, bytes intact, litter skipped', async () => {
    const { root, out, manifestFile } = makeRoot();
    const dir = join(root, 'static');
    mkdirSync(join(dir, 'img', 'icons'), { recursive: true });
    mkdirSync(join(dir, '.well-known'));
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xfe]);
    writeFileSync(join(dir, 'img', 'icons', 'logo.png'), png);
    writeFileSync(join(dir, 'robots.txt'), 'User-agent: *\n');
    writeFileSync(join(dir, '.well-known', 'security.txt'), 'Contact: mailto:desk@example.org\n');
    writeFileSync(join(dir, '.DS_Store'), 'litter');
    const files = await copyStaticDir(dir);
    expect(files.map((f) => f.path)).toEqual(['.well-known/security.txt', 'img/icons/logo.png', 'robots.txt']);
    await writeOutput(out, files, { manifestFile });
    expect([...readFileSync(join(out, 'img', 'icons', 'logo.png'))]).toEqual([...png]);
    expect(readFileSync(join(out, '.well-known', 'security.txt'), 'utf8')).toBe('Contact: mailto:desk@example.org\n');
  });

  it('gives nothing when there is no static/ folder', async () => {
    expect(await copyStaticDir(join(makeRoot().root, 'static'))).toEqual([]);
  });

  it('follows links to files and folders without looping', async () => {
    const { root } = makeRoot();
    const dir = join(root, 'static');
    mkdirSync(join(dir, 'a'), { recursive: true });
    writeFileSync(join(root, 'shared.css'), 'body{}');
    symlinkSync(join(root, 'shared.css'), join(dir, 'a', 'shared.css'));
    symlinkSync(dir, join(dir, 'a', 'loop'));
    const files = await copyStaticDir(dir);
    expect(files.map((f) => f.path)).toEqual(['a/shared.css']);
  });
});
