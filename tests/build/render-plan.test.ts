// The render keys: equal keys must mean equal bytes. A list page (index, tag page, tags index) is
// keyed without the articles' bodies, which is right only if those pages never show a body: that
// is checked here against the real templates, with bodies that differ wildly.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planOutputs, type PlanInput, type TagGroup } from '../../src/build/render-plan.js';
import type { Article } from '../../src/model/index.js';
import { loadTemplates } from '../../src/output/load-templates.js';
import { createPageRenderer } from '../../src/render/pages.js';
import { REPO } from '../helpers/site.js';
import { makeSite, parse } from '../content/fixtures.js';

function articles(bodies: (i: number) => string): Article[] {
  return [0, 1, 2].map((i) =>
    parse(`---\ntitle: Article ${i}\ndate: 2026-01-0${i + 1}\nsummary: Summary ${i}\ntags: [News, T${i}]\n---\n${bodies(i)}\n`, {
      sourcePath: `content/a${i}.md`,
    }).article,
  ).reverse();
}

function groups(list: readonly Article[]): Map<string, TagGroup> {
  const map = new Map<string, { tag: Article['tags'][number]; articles: Article[] }>();
  for (const a of list) for (const tag of a.tags) (map.get(tag.slug) ?? map.set(tag.slug, { tag, articles: [] }).get(tag.slug)!).articles.push(a);
  return new Map([...map].sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function input(list: Article[], ids: (a: Article) => { full: string; meta: string }): Promise<PlanInput> {
  const templates = await loadTemplates(join(REPO, 'templates'));
  const renderer = createPageRenderer(templates);
  return {
    site: makeSite(),
    templates,
    renderer: () => renderer,
    published: list,
    byTag: groups(list),
    identities: new Map(list.map((a) => [a.sourcePath, ids(a)])),
    pages: new Map(),
    staticFiles: [],
  };
}

const byPath = (units: ReturnType<typeof planOutputs>) => new Map(units.flatMap((u) => u.paths.map((p) => [p, u] as const)));

describe('render keys', () => {
  it('list pages render the same bytes whatever the bodies: they may be keyed without them', async () => {
    const plain = await input(articles((i) => `Body ${i}.`), (a) => ({ full: a.sourcePath, meta: a.sourcePath }));
    const wild = await input(articles((i) => `# Other ${i}\n\n<b>x</b> ${'long '.repeat(500)}\n\n- [ ] task\n\n\`\`\`\ncode\n\`\`\``), (a) => ({ full: a.sourcePath, meta: a.sourcePath }));
    const a = byPath(planOutputs(plain));
    const b = byPath(planOutputs(wild));
    for (const path of ['index.html', 'tags/index.html', 'tags/news/index.html', 'tags/t1/index.html']) {
      expect(b.get(path)!.key).toBe(a.get(path)!.key);
      expect(b.get(path)!.render()).toEqual(a.get(path)!.render());
    }
    // A body does show on its page and in the feeds: different bytes, and so different keys needed.
    expect(b.get('articles/a1/index.html')!.render()).not.toEqual(a.get('articles/a1/index.html')!.render());
    expect(b.get('feed.xml')!.render()).not.toEqual(a.get('feed.xml')!.render());
  });

  it('change with every input the bytes depend on, and only with those', async () => {
    const list = articles((i) => `Body ${i}.`);
    const ids = (a: Article) => ({ full: `full-${a.sourcePath}`, meta: `meta-${a.sourcePath}` });
    const base = byPath(planOutputs(await input(list, ids)));
    const again = byPath(planOutputs(await input(articles((i) => `Body ${i}.`), ids)));
    for (const [path, unit] of base) expect(again.get(path)!.key, path).toBe(unit.key);

    const bodyOnly = byPath(planOutputs(await input(list, (a) => ({ ...ids(a), full: a.sourcePath === 'content/a1.md' ? 'edited' : ids(a).full }))));
    const changed = [...base.keys()].filter((p) => bodyOnly.get(p)!.key !== base.get(p)!.key).sort();
    expect(changed).toEqual(['articles/a1/index.html', 'atom.xml', 'feed.json', 'feed.xml', 'tags/news/atom.xml', 'tags/news/feed.json', 'tags/news/feed.xml', 'tags/t1/atom.xml', 'tags/t1/feed.json', 'tags/t1/feed.xml']);

    const retitled = byPath(planOutputs(await input(list, (a) => (a.sourcePath === 'content/a1.md' ? { full: 'x', meta: 'y' } : ids(a)))));
    const listed = [...base.keys()].filter((p) => retitled.get(p)!.key !== base.get(p)!.key);
    expect(listed).toEqual(expect.arrayContaining(['index.html', 'tags/news/index.html', 'tags/t1/index.html']));
    expect(listed).not.toContain('tags/t0/index.html');
    expect(listed).not.toContain('tags/index.html');

    const otherSite = await input(list, ids);
    const moved = byPath(planOutputs({ ...otherSite, site: makeSite({ title: 'Renamed' }) }));
    for (const [path, unit] of base) if (path !== 'feed.xsl' && path !== 'style.css') expect(moved.get(path)!.key, path).not.toBe(unit.key);
  });

  it('refuse output a renderer did not announce', async () => {
    const plan = await input(articles((i) => `Body ${i}.`), (a) => ({ full: a.sourcePath, meta: a.sourcePath }));
    const units = planOutputs({ ...plan, staticFiles: [{ path: 'robots.txt', content: 'x' }] });
    const stat = units.find((u) => u.paths[0] === 'robots.txt')!;
    expect(stat.render().map((f) => ({ path: f.path, text: 'content' in f ? Buffer.from(f.content).toString('utf8') : 'staged' }))).toEqual([{ path: 'robots.txt', text: 'x' }]);
    const lying = planOutputs({ ...plan, renderer: () => ({ ...plan.renderer(), renderIndex: () => ({ path: 'elsewhere.html', content: '' }) }) });
    expect(() => lying.find((u) => u.paths[0] === 'index.html')!.render()).toThrow(/expected index\.html/);
  });
});
