// The feeds as a real reader takes them in: Debian's newsboat (a terminal feed reader) fetches the
// built RSS and Atom files, site-wide and per tag, and stores what it read in its own SQLite cache.
// Every item must arrive, with the title, link and authors the JSON Feed states, whatever the titles hold.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { article, baseConfig, gazette, makeSite } from '../helpers/site.js';

const sites: Array<{ cleanup: () => void }> = [];
const home = mkdtempSync(join(tmpdir(), 'gazette-newsboat-'));
afterAll(() => {
  sites.forEach((s) => s.cleanup());
  rmSync(home, { recursive: true, force: true });
});

interface ReadItem {
  readonly title: string;
  readonly url: string;
  readonly author: string;
}

/** What newsboat stored after fetching `feed` (a file under out/), in feed order. */
function newsboatRead(feed: string, name: string): ReadItem[] {
  const urls = join(home, `${name}.urls`);
  const cache = join(home, `${name}.db`);
  writeFileSync(urls, `${pathToFileURL(feed).href}\n`);
  const run = spawnSync('newsboat', ['-u', urls, '-c', cache, '-C', '/dev/null', '-x', 'reload'], { encoding: 'utf8', env: { ...process.env, HOME: home }, timeout: 60_000 });
  if (run.error) throw new Error(`could not run newsboat: ${run.error.message}`);
  expect(run.status, run.stderr).toBe(0);
  const db = new Database(cache, { readonly: true });
  try {
    return db.prepare('SELECT title, url, author FROM rss_item ORDER BY id').all() as ReadItem[];
  } finally {
    db.close();
  }
}

describe('a terminal feed reader (newsboat)', () => {
  it('reads every item of the RSS and Atom feeds, site-wide and per tag, as the JSON Feed states them', () => {
    const s = makeSite({
      config: baseConfig({ site: { title: 'News & <Co>', url: 'https://test.example.org/', language: 'en', author: { name: 'The Desk' } } }),
      files: {
        'content/cdata.md': article('Breaking ]]> news ]]> twice', '2026-03-01T08:00:00+02:00', 'Body with ]]> and <![CDATA[ x ]]>.', 'tags: [News]\n'),
        'content/script.md': article('<script>alert(1)</script> & "quotes"', '2026-03-04', '<b>bold</b> text', 'authors: ["Zoë Ünïcode", "Ben"]\n'),
        'content/unicode.md': article('日本語のタイトル — مرحبا — Ωμέγα 😀', '2026-03-05', 'Zalgo z̷̢a̴l̸g̵o.', 'tags: [News]\n'),
        'content/plain.txt': '---\ndate: 2026-03-06\n---\nBy Jo Writer and Amel Akan\nA wire story without a title. It has two sentences.\n',
      },
    });
    sites.push(s);
    const r = gazette(['--root', s.root, 'build']);
    expect(r.code, r.stderr).toBe(0);
    const out = join(s.root, 'out');

    for (const scope of ['', 'tags/news/']) {
      const json = JSON.parse(readFileSync(join(out, scope, 'feed.json'), 'utf8')) as { items: { title: string; url: string; authors: { name: string }[] }[] };
      expect(json.items.length).toBeGreaterThanOrEqual(2);
      // newsboat stores items in its own order: compare by link.
      const byUrl = <T extends { url: string }>(items: readonly T[]): T[] => [...items].sort((x, y) => (x.url < y.url ? -1 : x.url > y.url ? 1 : 0));
      const expected = byUrl(json.items);
      const rss = byUrl(newsboatRead(join(out, scope, 'feed.xml'), `rss${scope.replace(/\W/g, '')}`));
      const atom = byUrl(newsboatRead(join(out, scope, 'atom.xml'), `atom${scope.replace(/\W/g, '')}`));
      const shown = (items: readonly { title: string; url: string }[]) => items.map(({ title, url }) => ({ title, url }));
      expect(shown(rss)).toEqual(shown(expected));
      expect(shown(atom)).toEqual(shown(expected));
      expected.forEach((item, n) => {
        const names = item.authors.map((a) => a.name);
        // Atom lists every author; newsboat keeps one of RSS's dc:creator elements.
        expect(atom[n]!.author).toBe(names.join(', '));
        expect(names).toContain(rss[n]!.author);
      });
    }
  });
});
