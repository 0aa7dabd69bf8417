// A build killed while it stages pages (src/output/output-stager.ts): nothing it staged is ever
// visible, and the next build sweeps its temporary files and builds exactly what a build from
// scratch builds. A rebuild killed while it puts files in place leaves each file whole, old or
// new. Big enough (2,100 articles) that worker threads parse and stage too.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, gazette, makeSite } from '../helpers/site.js';
import { sleep } from '../helpers/wait.js';
import { snapshot, walk } from '../helpers/tree.js';

const sites: Array<{ cleanup: () => void }> = [];
afterEach(() => sites.splice(0).forEach((s) => s.cleanup()));

const N = 2100;

function articles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < N; i++) {
    const date = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString();
    out[`content/a-${String(i).padStart(4, '0')}.md`] = `---\ntitle: "Article ${i}"\ndate: ${date}\ntags: [t${i % 7}]\n---\nBody of article ${i}, with [a link](/x/${i}/).\n`;
  }
  return out;
}

const isTemp = (p: string): boolean => /(^|\/)\.[^/]+\.\d+\.[0-9a-f]{12}\.tmp$/.test(p);

describe('a build killed while staging', () => {
  it('leaves no visible page, and the next build sweeps up and builds what a scratch build builds', async () => {
    const site = makeSite({ files: articles() });
    sites.push(site);
    const out = join(site.root, 'out');
    const child = spawn(process.execPath, [CLI, '--root', site.root, 'build'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Kill it as soon as a staged (temporary) page exists.
    const deadline = Date.now() + 60_000;
    while (!walk(out).some(isTemp)) {
      expect(Date.now(), 'no page was staged within 60 s').toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const left = walk(out);
    expect(left.filter(isTemp).length).toBeGreaterThan(0);
    // Staged pages are only ever temporary files: nothing of the dead build is visible.
    expect(left.filter((p) => !isTemp(p))).toEqual([]);
    expect(readdirSync(join(site.root, '.gazette', 'staging'))).toHaveLength(1);

    const next = gazette(['--root', site.root, '--json', 'build'], { timeoutMs: 120_000 });
    expect(next.code, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ articles: N, published: N });
    expect(walk(out).filter(isTemp)).toEqual([]);
    expect(readdirSync(join(site.root, '.gazette', 'staging'))).toEqual([]);

    const scratch = makeSite();
    sites.push(scratch);
    cpSync(join(site.root, 'content'), join(scratch.root, 'content'), { recursive: true });
    const fresh = gazette(['--root', scratch.root, 'build'], { timeoutMs: 120_000 });
    expect(fresh.code, fresh.stderr).toBe(0);
    const expected = snapshot(join(scratch.root, 'out'), { folders: true });
    expect(Object.keys(expected).length).toBeGreaterThan(N);
    expect(snapshot(out, { folders: true })).toEqual(expected);
  }, 180_000);
});

describe('a rebuild killed while it puts files in place', () => {
  it('leaves every visible file whole, the old version or the new one, and the next build builds what a scratch build builds', async () => {
    const site = makeSite({ files: articles() });
    sites.push(site);
    const out = join(site.root, 'out');
    expect(gazette(['--root', site.root, 'build'], { timeoutMs: 120_000 }).code).toBe(0);
    const old = snapshot(out);
    // Every article edited: every page, list and feed changes.
    for (const [path, text] of Object.entries(articles())) site.write(path, text.replace('title: "Article', 'title: "Edited article'));
    const scratch = makeSite();
    sites.push(scratch);
    cpSync(join(site.root, 'content'), join(scratch.root, 'content'), { recursive: true });
    expect(gazette(['--root', scratch.root, 'build'], { timeoutMs: 120_000 }).code).toBe(0);
    const fresh = snapshot(join(scratch.root, 'out'));

    const child = spawn(process.execPath, [CLI, '--root', site.root, 'build'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Killed as soon as the new home page is in place: the writer is then renaming files.
    const deadline = Date.now() + 60_000;
    const home = join(out, 'index.html');
    const homeHash = (): string => createHash('sha256').update(readFileSync(home)).digest('hex');
    try {
      while (homeHash() === old['index.html']) {
        expect(Date.now(), 'the new index.html never appeared').toBeLessThan(deadline);
        await sleep(2);
      }
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');

    const visible = Object.entries(snapshot(out)).filter(([p]) => !isTemp(p));
    expect(visible.filter(([p, h]) => h !== old[p]).length).toBeGreaterThan(0);
    for (const [path, hash] of visible) expect([old[path], fresh[path]], path).toContain(hash);

    const next = gazette(['--root', site.root, '--json', 'build'], { timeoutMs: 120_000 });
    expect(next.code, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout)).not.toHaveProperty('upToDate');
    expect(snapshot(out, { folders: true })).toEqual(snapshot(join(scratch.root, 'out'), { folders: true }));
  }, 240_000);
});
