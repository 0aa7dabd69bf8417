/**
 * Staging: pages written under temporary names while the build still parses, renamed by the writer
 * or removed again, and swept after a build that died in between.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputStager, sweepDeadStagings } from '../../src/output/output-stager.js';
import { writeOutput } from '../../src/output/write-output.js';
import { readManifest } from '../../src/output/output-manifest.js';
import { walk } from '../helpers/tree.js';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function makeRoot(): { root: string; out: string; staging: string; manifestFile: string } {
  const root = mkdtempSync(join(tmpdir(), 'gazette-stage-'));
  roots.push(root);
  return { root, out: join(root, 'out'), staging: join(root, '.gazette', 'staging'), manifestFile: join(root, '.gazette', 'out-manifest.json') };
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A pid no process has: one that just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('OutputStager', () => {
  it('writes only a temporary file; the writer renames it into place and records it', async () => {
    const { out, staging, manifestFile } = makeRoot();
    const stager = OutputStager.create(out, staging);
    const staged = stager.stage('articles/a/index.html', bytes('<p>A</p>'))!;
    expect(staged.size).toBe(8);
    expect(existsSync(join(out, 'articles/a/index.html'))).toBe(false);
    expect(walk(out)).toEqual([expect.stringMatching(/^articles\/a\/\.index\.html\.\d+\.[0-9a-f]{12}\.tmp$/)]);
    expect(readdirSync(staging)).toHaveLength(1);

    const result = await writeOutput(out, [{ path: 'articles/a/index.html', staged }, { path: 'index.html', content: 'home' }], { manifestFile });
    stager.discard();
    expect(result.written).toEqual(['articles/a/index.html', 'index.html']);
    expect(walk(out)).toEqual(['articles/a/index.html', 'index.html']);
    expect(readFileSync(join(out, 'articles/a/index.html'), 'utf8')).toBe('<p>A</p>');
    const entry = readManifest(manifestFile, out).files.get('articles/a/index.html')!;
    // Written moments ago: recorded without times, so the next run compares its bytes before
    // it ever trusts a stat of it.
    expect(entry).toEqual({ sha256: staged.sha256, size: 8, mtimeMs: null, ctimeMs: null, checkedAt: 0 });
    expect(readdirSync(staging)).toEqual([]);
  });

  it('after the writer took some files, discard removes only the others', async () => {
    const { out, staging, manifestFile } = makeRoot();
    const stager = OutputStager.create(out, staging);
    const taken = stager.stage('articles/a/index.html', bytes('a'))!;
    // Its unit was reused: never given to the writer.
    expect(stager.stage('articles/b/index.html', bytes('b'))).toMatchObject({ size: 1 });
    expect(walk(out)).toHaveLength(2);
    await writeOutput(out, [{ path: 'articles/a/index.html', staged: taken }], { manifestFile });
    stager.handedOver(new Set([taken.temp]));
    stager.discard();
    expect(walk(out)).toEqual(['articles/a/index.html']);
    expect(readdirSync(join(out, 'articles'))).toEqual(['a']);
  });

  it('stages nothing when the file already holds the bytes, and the writer leaves an equal file untouched', async () => {
    const { out, staging, manifestFile } = makeRoot();
    await writeOutput(out, [{ path: 'a/index.html', content: 'same' }, { path: 'b/index.html', content: 'old' }], { manifestFile });
    const old = new Date('2020-01-01T00:00:00Z');
    for (const f of ['a/index.html', 'b/index.html']) utimesSync(join(out, f), old, old);
    const stager = OutputStager.create(out, staging);
    expect(stager.stage('a/index.html', bytes('same'))).toBeUndefined();
    // Same size, other bytes: staged; and a staged file equal to what is there is not written.
    const b = stager.stage('b/index.html', bytes('new'))!;
    const c = stager.stage('c/index.html', bytes('c'))!;
    writeFileSync(join(out, 'c/index.html'), 'c'); // someone else made the same file meanwhile
    utimesSync(join(out, 'c/index.html'), old, old);
    const result = await writeOutput(
      out,
      [{ path: 'a/index.html', content: 'same' }, { path: 'b/index.html', staged: b }, { path: 'c/index.html', staged: c }],
      { manifestFile },
    );
    stager.discard();
    expect(result.written).toEqual(['b/index.html']);
    expect(result.unchanged).toBe(2);
    expect(statSync(join(out, 'a/index.html')).mtime).toEqual(old);
    expect(statSync(join(out, 'c/index.html')).mtime).toEqual(old);
    expect(readFileSync(join(out, 'b/index.html'), 'utf8')).toBe('new');
    expect(walk(out)).toEqual(['a/index.html', 'b/index.html', 'c/index.html']);
  });

  it('discard removes what the writer never took, and the folders made for it', async () => {
    const { root, out, staging } = makeRoot();
    mkdirSync(join(out, 'keep'), { recursive: true });
    writeFileSync(join(out, 'keep/file.txt'), 'mine');
    const stager = OutputStager.create(out, staging);
    for (const path of ['articles/a/index.html', 'articles/b/index.html', 'keep/index.html']) {
      expect(stager.stage(path, bytes(path)), path).toMatchObject({ size: path.length });
    }
    // Staged by another thread of the same build, handed over.
    const other = OutputStager.join(stager.area).stage('deep/x/y/index.html', bytes('y'))!;
    stager.adopt(other);
    expect(walk(out).filter((f) => f.endsWith('.tmp'))).toHaveLength(4);
    stager.discard();
    expect(walk(out)).toEqual(['keep/file.txt']);
    expect(readdirSync(out).sort()).toEqual(['keep']);
    expect(readdirSync(staging)).toEqual([]);

    // A build into a folder that did not exist leaves no folder behind.
    const fresh = join(root, 'fresh-out');
    const s2 = OutputStager.create(fresh, staging);
    expect(s2.stage('articles/a/index.html', bytes('a'))).toMatchObject({ size: 1 });
    expect(existsSync(fresh)).toBe(true);
    s2.discard();
    expect(existsSync(fresh)).toBe(false);
  });

  it('is best effort: an unsafe path or a file where a folder must be is left to the writer', () => {
    const { root, out, staging } = makeRoot();
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'articles'), 'a file');
    const stager = OutputStager.create(out, staging);
    expect(stager.stage('../escape.html', bytes('x'))).toBeUndefined();
    expect(stager.stage('articles/a/index.html', bytes('x'))).toBeUndefined();
    stager.discard();
    expect(walk(out)).toEqual(['articles']);
    expect(readdirSync(root).filter((n) => n.includes('escape'))).toEqual([]);
  });

  it('after a build died, the next one sweeps its temporary files; a live build is left alone', () => {
    const { out, staging } = makeRoot();
    const dead = deadPid();
    mkdirSync(join(out, 'articles/a'), { recursive: true });
    mkdirSync(staging, { recursive: true });
    // The dead build's mark and files, a live build's mark and files, and files of our own.
    writeFileSync(join(staging, `${dead}.aaaaaaaaaaaa`), '');
    writeFileSync(join(out, `articles/a/.index.html.${dead}.aaaaaaaaaaaa.tmp`), 'dead');
    writeFileSync(join(out, `.index.html.${dead}.aaaaaaaaaaaa.tmp`), 'dead');
    mkdirSync(join(out, 'articles/gone/deep'), { recursive: true });
    writeFileSync(join(out, `articles/gone/deep/.index.html.${dead}.aaaaaaaaaaaa.tmp`), 'dead');
    const live = OutputStager.create(out, staging);
    const staged = live.stage('articles/b/index.html', bytes('live'))!;
    writeFileSync(join(out, `articles/a/.index.html.${dead}.bbbbbbbbbbbb.tmp`), 'not the dead build’s tag');
    writeFileSync(join(out, 'articles/a/index.html'), 'real');

    sweepDeadStagings(out, staging);
    expect(walk(out)).toEqual([
      `articles/a/.index.html.${dead}.bbbbbbbbbbbb.tmp`,
      'articles/a/index.html',
      staged.temp.slice(out.length + 1),
    ]);
    expect(readdirSync(join(out, 'articles')).sort()).toEqual(['a', 'b']); // the folders made for it went too
    expect(readdirSync(staging)).toEqual([`${process.pid}.${live.area.tag}`]);
    live.discard();
    expect(readdirSync(staging)).toEqual([]);
  });
});
