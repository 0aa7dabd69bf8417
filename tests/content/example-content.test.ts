import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isPublished, loadContent } from '../../src/content/index.js';
import { makeSite } from './fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BEFORE_LAUNCH = new Date('2026-11-26T00:00:00Z');

async function load() {
  return loadContent({ root: ROOT, dir: 'content', site: makeSite(), ledger: { firstSeen: () => undefined }, now: BEFORE_LAUNCH });
}

describe('the example site in content/', () => {
  it('loads without problems', async () => {
    const { problems, articles } = await load();
    expect(problems).toEqual([]);
    expect(articles.map((a) => a.sourcePath).sort()).toEqual([
      'content/000_ba9c1d656490eefb.txt',
      'content/chance-of-rain.md',
      'content/dates-people-and-computers-agree-on.md',
      'content/weekly-digest-by-email.md',
      'content/why-full-text-feeds.md',
    ]);
  });

  it('has one draft, which is not published', async () => {
    const { articles } = await load();
    const drafts = articles.filter((a) => a.draft);
    expect(drafts.map((a) => a.slug)).toEqual(['weekly-digest-by-email']);
    expect(articles.filter((a) => isPublished(a, BEFORE_LAUNCH))).toHaveLength(4);
  });

  it('shows a non-ASCII tag, an image that exists, a table, code and a footnote', async () => {
    const { articles } = await load();
    const bySlug = new Map(articles.map((a) => [a.slug, a]));
    const rain = bySlug.get('chance-of-rain')!;
    expect(rain.tags).toContainEqual({ name: 'Météo', slug: 'météo' });
    expect(rain.image).toBe('https://news.example.org/images/rain-chance.png');
    expect(rain.html).toContain('<img src="https://news.example.org/images/rain-chance.png"');
    await access(new URL('../../static/images/rain-chance.png', import.meta.url));
    expect(bySlug.get('why-full-text-feeds')!.html).toMatch(/<table>[\s\S]*<section class="footnotes">/);
    expect(bySlug.get('dates-people-and-computers-agree-on')!.html).toContain('<pre><code class="language-yaml">');
    for (const a of articles.filter((x) => x.dateSource === 'front-matter')) expect(a.date < BEFORE_LAUNCH).toBe(true);
  });
});
