// The no-change shortcut of `gazette build` (src/build/build-stamp.ts) end to end: taken only when
// nothing a build reads changed, and every kind of change sends the build down the full path,
// which then produces what a build from scratch produces.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// The compiled modules, as the CLI runs them: the stamp covers the identity of the running code.
import { upToDateReport } from '../../dist/commands/build-shortcut.js';
import { runBuild } from '../../dist/commands/build.js';
import { loadConfig } from '../../dist/config/index.js';
import { REPO, article, baseConfig, gazette, makeSite, settle } from '../helpers/site.js';
import { snapshot } from '../helpers/tree.js';
import { EMAIL_CONFIG, TEST_SECRET } from './helpers-mail.js';

const sites: Array<{ cleanup: () => void }> = [];
afterEach(() => sites.splice(0).forEach((s) => s.cleanup()));

interface Report {
  upToDate?: boolean;
  written: number;
  unchanged: number;
  parsed: number;
  articles: number;
  published: number;
  heldBack: number;
  warnings: string[];
}

function build(root: string): { report: Report; stderr: string } {
  const r = gazette(['--root', root, '--json', 'build']);
  expect(r.code, r.stderr).toBe(0);
  return { report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

/** Builds until the stamp is written and taken: cold build, settle, settling build, settle. */
async function steady(root: string): Promise<void> {
  build(root);
  await settle();
  expect(build(root).report.upToDate).toBeUndefined();
  await settle();
}

function newSite() {
  const s = makeSite({
    config: baseConfig({ email: EMAIL_CONFIG, digest: { lookback: '36500d' } }),
    files: {
      'content/one.md': article('One', '2026-01-01T10:00:00Z', 'First [link](/x/).', 'tags: [news]\n'),
      'content/two.md': article('Two', '2026-01-02T10:00:00Z'),
      // A plain-text article without a title: a warning, shown by every build.
      'content/wire.txt': 'Rain is likely on Friday. More text follows here.\n',
      'content/later.md': article('Later', '2099-01-01T10:00:00Z'),
      'static/robots.txt': 'User-agent: *\n',
    },
  });
  sites.push(s);
  return s;
}

describe('gazette build when nothing changed', () => {
  it('answers from the stamp: same report, same warnings, out/ untouched', async () => {
    const s = newSite();
    await steady(s.root);
    const before = snapshot(join(s.root, 'out'));
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['index.html', 'feed.xml', 'articles/one/index.html', 'robots.txt']));
    const full = build(s.root);
    expect(full.report).toMatchObject({ upToDate: true, written: 0, parsed: 0, articles: 4, published: 3, heldBack: 1 });
    expect(full.report.unchanged).toBe(Object.keys(before).length);
    expect(full.report.warnings).toEqual([expect.stringMatching(/wire\.txt.*no title/)]);
    expect(full.stderr).toMatch(/warning: .*wire\.txt.*no title/);
    expect(snapshot(join(s.root, 'out'))).toEqual(before);
    const text = gazette(['--root', s.root, 'build']);
    expect(text.stdout).toMatch(/4 articles read: 3 published, 1 held back; 0 files written, 0 removed, \d+ unchanged \(nothing changed since the last build\)/);
  });

  it('takes the full path after any change, and builds what a build from scratch builds', async () => {
    const s = newSite();
    await steady(s.root);
    const changes: Array<[string, () => void]> = [
      ['an edited article', () => s.write('content/two.md', article('Two, edited', '2026-01-02T10:00:00Z'))],
      ['a new article', () => s.write('content/three.md', article('Three', '2026-01-03T10:00:00Z'))],
      ['a removed article', () => rmSync(join(s.root, 'content/one.md'))],
      ['a deleted output', () => rmSync(join(s.root, 'out/index.html'))],
      ['an edited output', () => writeFileSync(join(s.root, 'out/articles/two/index.html'), 'vandalised')],
      ['a new static file', () => s.write('static/humans.txt', 'us\n')],
      ['a changed config', () => s.write('gazette.config.json', JSON.stringify(baseConfig({ feeds: { limit: 1 } })))],
      [
        'site templates',
        () => {
          // A site's templates folder counts once it has a layout (else Gazette's own are used).
          cpSync(join(REPO, 'templates'), join(s.root, 'templates'), { recursive: true });
          s.write('templates/style.css', 'body { color: red }\n');
        },
      ],
    ];
    for (const [what, change] of changes) {
      change();
      const { report } = build(s.root);
      expect(report.upToDate, what).toBeUndefined();
      // The result equals a build from scratch of the same inputs.
      const fresh = makeSite();
      sites.push(fresh);
      const copy = fresh.root;
      rmSync(join(copy, 'content'), { recursive: true, force: true });
      // The state database too: the dateless wire.txt keeps the date it was first seen.
      for (const entry of ['gazette.config.json', 'content', 'static', 'templates', '.gazette/gazette.db', '.gazette/gazette.db-wal']) {
        if (existsSync(join(s.root, entry))) cpSync(join(s.root, entry), join(copy, entry), { recursive: true });
      }
      build(copy);
      const scratch = snapshot(join(copy, 'out'));
      expect(scratch, what).toHaveProperty(['feed.xml']);
      expect(snapshot(join(s.root, 'out')), what).toEqual(scratch);
      await settle();
      build(s.root); // settle the new files
      await settle();
      expect(build(s.root).report.upToDate, `after ${what}`).toBe(true);
    }
  }, 120_000);

  it('a new digest in the store, or the first held-back date, sends the build down the full path', async () => {
    const s = newSite();
    await steady(s.root);
    const config = await loadConfig({ root: s.root });
    const reporter = { warn() {}, info() {} };
    const taken = { report: expect.objectContaining({ upToDate: true, published: 3, heldBack: 1, written: 0 }) };
    expect(await upToDateReport(config, reporter, { now: new Date() })).toMatchObject(taken);
    // later.md is dated 2099-01-01T10:00Z: from then on the shortcut is off, before it looks at any file.
    expect(await upToDateReport(config, reporter, { now: new Date('2099-01-01T10:00:00Z') })).toEqual({});
    expect(await upToDateReport(config, reporter, { now: new Date('2099-01-01T09:59:59Z') })).toMatchObject(taken);

    const env = { GAZETTE_SECRET: TEST_SECRET, GAZETTE_SMTP_URL: '' };
    expect(gazette(['--root', s.root, 'subscribers', 'add', 'reader@example.net'], { env }).code).toBe(0);
    const published = gazette(['--root', s.root, '--json', 'publish'], { env });
    expect(published.code, published.stderr).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({ digest: expect.objectContaining({ id: expect.any(String) }) });
    const after = build(s.root);
    expect(after.report.upToDate).toBeUndefined();
    expect(existsSync(join(s.root, 'out/digests/index.html'))).toBe(true);
    expect(readFileSync(join(s.root, 'out/digests/index.html'), 'utf8')).toMatch(/href="[^"]*digests\//);
  }, 60_000);

  it('after a change, hands its look at the content folder to the build, which builds what a build from scratch builds', async () => {
    const s = newSite();
    await steady(s.root);
    const config = await loadConfig({ root: s.root });
    const reporter = { warn() {}, info() {} };
    s.write('content/two.md', article('Two, edited', '2026-01-02T10:00:00Z'));
    const quick = await upToDateReport(config, reporter);
    expect(quick.report).toBeUndefined();
    const scan = quick.scan!;
    expect(scan.files.map((f) => f.sourcePath)).toEqual(['content/later.md', 'content/one.md', 'content/two.md', 'content/wire.txt']);
    expect(scan.stats.map((st) => st?.size)).toEqual(scan.files.map((f) => readFileSync(f.absolutePath).length));

    const report = await runBuild(config, reporter, { scan });
    expect(report).toMatchObject({ articles: 4, parsed: 1 });
    const fresh = makeSite();
    sites.push(fresh);
    rmSync(join(fresh.root, 'content'), { recursive: true, force: true });
    for (const entry of ['gazette.config.json', 'content', 'static', '.gazette/gazette.db', '.gazette/gazette.db-wal']) {
      if (existsSync(join(s.root, entry))) cpSync(join(s.root, entry), join(fresh.root, entry), { recursive: true });
    }
    build(fresh.root);
    const scratch = snapshot(join(fresh.root, 'out'));
    expect(readFileSync(join(s.root, 'out/articles/two/index.html'), 'utf8')).toContain('Two, edited');
    expect(snapshot(join(s.root, 'out'))).toEqual(scratch);
  }, 60_000);
});
