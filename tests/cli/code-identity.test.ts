// A new release of Gazette (any change to the code that parses and renders) must never reuse what
// an older one cached or stamped: the next build takes the full path, parses every article again
// and writes exactly what a build from scratch writes. Checked on a copy of the installed CLI whose
// bundle is then changed, as an upgrade changes it.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, article, baseConfig, makeSite, settle } from '../helpers/site.js';
import { snapshot } from '../helpers/tree.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

interface Report {
  upToDate?: boolean;
  parsed: number;
  written: number;
  articles: number;
}

/** bin/, dist/, templates/ and package.json copied; node_modules linked (the same dependencies). */
function installCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gazette-install-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const part of ['bin', 'dist', 'templates', 'package.json']) cpSync(join(REPO, part), join(dir, part), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function build(install: string, root: string): Report {
  const r = spawnSync(process.execPath, [join(install, 'bin/gazette.js'), '--root', root, '--json', 'build'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

describe('a new version of the code', () => {
  it('invalidates the no-change stamp and every cached parse; the output stays byte for byte the same', async () => {
    const install = installCopy();
    const s = makeSite({
      config: baseConfig(),
      files: {
        'content/one.md': article('One', '2026-01-01T10:00:00Z', 'First [link](/x/).', 'tags: [news]\n'),
        'content/two.md': article('Two', '2026-02-01T10:00:00Z', 'Second.'),
        'content/three.txt': 'By Jo Writer\nA wire story. With two sentences.\n',
      },
    });
    cleanups.push(s.cleanup);
    const out = join(s.root, 'out');

    expect(build(install, s.root).parsed).toBe(3);
    await settle();
    expect(build(install, s.root).upToDate).toBeUndefined(); // settles the files just written
    await settle();
    expect(build(install, s.root)).toMatchObject({ upToDate: true, parsed: 0, written: 0 });
    const before = snapshot(out);

    // An upgrade: one file of the bundled CLI changes (here, only by a comment).
    const bundle = join(install, 'dist/bundle');
    const chunk = readdirSync(bundle).find((f) => f.startsWith('build-') && f.endsWith('.js'));
    expect(chunk).toBeDefined();
    appendFileSync(join(bundle, chunk!), '\n// a new release\n');

    const upgraded = build(install, s.root);
    expect(upgraded.upToDate).toBeUndefined();
    expect(upgraded).toMatchObject({ articles: 3, parsed: 3, written: 0 });
    expect(snapshot(out)).toEqual(before);
  });
});
