/**
 * The fast path must be invisible: every template renders byte for byte as LiquidJS renders it
 * (or fails with the same message), for the real site templates and for a corpus of snippets that
 * exercise each accelerated tag, over generated data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_TEMPLATES_DIR, loadTemplates } from '../../src/output/load-templates.js';
import { countTags } from '../../src/render/page-tags.js';
import { createPageLiquid } from '../../src/render/page-liquid.js';
import { createPageRenderer, renderPages } from '../../src/render/pages.js';
import { makeArticle, makeSite, tag } from './pages-fixtures.js';

const SNIPPETS: Record<string, string> = {
  outputs: '{{ s }}|{{ o.s }}|{{ o.deep.er }}|{{ missing.deep }}|{{ list.size }}|{{ s.size }}|{{ list.first.n }}|{{ list.last.n }}|{{ list[1].n }}|{{ o["key with space"] }}|{{ n }}|{{ b }}|{{ nothing }}|{{ nums }}|{{ 1.5 }}|{{ "lit<>" }}|{{ true }}|{{ o.empty_list }}',
  filters:
    '{{ s | upcase | append: "!" }}|{{ n | plus: 2 | times: o.n }}|{{ nothing | default: s }}|{{ s | default: "d" }}|{{ nums | join: ", " }}|{{ list | map: "n" | join: "," }}|{{ list | where: "n", s | size }}|{{ s | truncate: 5 }}|{{ html | raw }}|{{ html | strip_html }}|{{ s | escape }}|{{ list | sort: "n" | first | json }}|{{ s | replace: "a", o.s }}|{{ d | date: "%Y-%m-%d %H:%M %z" }}|{{ n | divided_by: 0 }}',
  conditions:
    '{% if s %}A{% endif %}{% if nothing %}B{% elsif n > 3 %}C{% elsif list %}D{% else %}E{% endif %}{% if s == o.s %}F{% endif %}{% if n != 2 and b or nothing %}G{% endif %}{% if s contains "a" %}H{% endif %}{% if nums contains 2 %}I{% endif %}{% if list == empty %}J{% endif %}{% if s == blank %}K{% endif %}{% if n >= 1 %}L{% endif %}{% if n <= 1 %}M{% endif %}{% if n < o.n %}N{% endif %}{% unless b %}O{% elsif s %}P{% else %}Q{% endunless %}{% unless nothing %}R{% endunless %}{% if not b %}S{% endif %}{% if (1..3) contains n %}T{% endif %}',
  loops:
    '{% for i in list %}[{{ forloop.index }}/{{ forloop.length }} {{ forloop.index0 }} {{ forloop.rindex }} {{ forloop.rindex0 }} {{ forloop.first }} {{ forloop.last }} {{ i.n }}]{% endfor %}|{% for i in nums limit: 2 offset: 1 %}{{ i }}{% endfor %}|{% for i in nums reversed %}{{ i }}{% endfor %}|{% for i in nums limit: o.n %}{{ i }}{% endfor %}|{% for i in o.empty_list %}x{% else %}none{% endfor %}|{% for i in nums %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}|{% for p in o %}{{ p[0] }}{% endfor %}|{% for c in s %}<{{ c }}>{% endfor %}|{% for i in (1..3) %}{{ i }}{% endfor %}|{% for i in nums limit: 1 %}{{ i }}{% endfor %}{% for i in nums offset: continue %}{{ i }}{% endfor %}|{% for i in nums %}{% for j in list %}{{ forloop.index }}{% endfor %}{{ forloop.index }}{% endfor %}|{% for i in nums limit: 1 %}{{ forloop }}{% endfor %}|{% for i in missing %}m{% endfor %}',
  assigns: '{% assign x = s | upcase %}{{ x }}{% for i in nums %}{% assign last = i %}{% endfor %}{{ last }}{% capture c %}{{ s }}-{{ n }}{% endcapture %}{{ c }}{% assign l = list | map: "n" %}{{ l | join: "+" }}',
  case: '{% case n %}{% when 1 %}one{% when 2, 3 %}few{% else %}many {{ s }}{% endcase %}',
  child: '{% layout "frame" %}{% block title %}T:{{ s }}{% endblock %}{% block body %}B:{{ block.super }}+{{ n }}{% endblock %}outside{{ s }}',
  frame: '<title>{% block title %}default{% endblock %}</title><main>{% block body %}frame-body {{ o.s }}{% endblock %}</main>{% block empty %}E{% endblock %}{% block %}{% endblock %}',
  nested: '{% layout "middle" %}{% block body %}inner {{ block.super }}{% endblock %}',
  middle: '{% layout "frame" %}{% block body %}middle {{ block.super }}{% endblock %}',
  partials: '{% render "part", item: o, label: s %}|{% for i in list %}{% render "part", item: i, label: n %}{% endfor %}|{% include "inc" %}|{% include_cached "cached" %}',
  part: '<{{ label }}:{{ item.s }}{{ item.n }}:{{ s }}>',
  inc: '({{ s }}{% assign from_include = 1 %})',
  cached: '[{{ site.title }}{{ s }}]',
  broken: '{{ s }}{% render "nope" %}',
};

function engines() {
  return { fast: createPageLiquid(SNIPPETS), plain: createPageLiquid(SNIPPETS, { fast: false }) };
}

function outcome(liquid: ReturnType<typeof createPageLiquid>, name: string, data: object): string {
  try {
    return `ok:${liquid.renderSync(liquid.parseFileSync(name), data) as string}`;
  } catch (e) {
    return `error:${(e as Error).message}`;
  }
}

const text = fc.oneof(fc.string(), fc.constantFrom('', ' ', 'a', 'abc', '<b>&"\'', 'ä ö 😀', 'aaaa'));
const item = fc.record({ n: fc.oneof(fc.integer({ min: -3, max: 5 }), text, fc.constant(null)), s: text });
const data = fc.record({
  s: text,
  n: fc.oneof(fc.integer({ min: -2, max: 6 }), fc.double({ noNaN: true }), fc.constant(null)),
  b: fc.boolean(),
  nums: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 6 }),
  list: fc.array(item, { maxLength: 4 }),
  html: fc.constantFrom('<p>x &amp; y</p>', '', '<a href="?a=1&amp;b=2">l</a>'),
  d: fc.constantFrom('2026-03-29T01:30:00+01:00', '2026-01-01T00:00:00Z', 'not a date'),
  o: fc.record({ s: text, n: fc.integer({ min: 0, max: 3 }), deep: fc.record({ er: text }), empty_list: fc.constant([]), 'key with space': text }),
  site: fc.record({ title: text }),
});

describe('the fast path renders exactly as LiquidJS does', () => {
  it.each(Object.keys(SNIPPETS))('template "%s", over generated data', (name) => {
    fc.assert(
      fc.property(data, (d) => {
        // Fresh engines per case: include_cached keeps what it rendered per `site` object.
        const { fast, plain } = engines();
        expect(outcome(fast, name, d)).toBe(outcome(plain, name, d));
      }),
      { numRuns: 60 },
    );
  });

  it('takes the fast path for the nodes it claims (so the comparison above means something)', () => {
    const { fast } = engines();
    const accelerated = (name: string) =>
      fast.parseFileSync(name).filter((t) => Object.prototype.hasOwnProperty.call(t, 'render')).length;
    expect(accelerated('outputs')).toBeGreaterThan(15);
    expect(accelerated('loops')).toBeGreaterThan(8);
    expect(accelerated('child')).toBe(1);
  });

  it('renders the whole example site identically', async () => {
    const sources = await loadTemplates(BUILTIN_TEMPLATES_DIR);
    const fast = createPageRenderer(sources);
    const plain = createPageRenderer(sources, { fast: false });
    const articles = [
      makeArticle(1),
      makeArticle(2, { authors: [], image: 'https://news.example.org/a.png', updated: new Date('2026-02-10T10:00:00Z') }),
      makeArticle(3, { authors: [{ name: 'A' }, { name: 'B', url: 'https://b.example/' }, { name: 'C' }], tags: [] }),
      makeArticle(4, { canonical: 'https://elsewhere.example/x', title: 'Ü <script>', summary: '' }),
      ...Array.from({ length: 30 }, (_, i) => makeArticle(10 + i, { tags: [tag('Bulk')] })),
    ];
    for (const site of [makeSite(), makeSite({ language: 'de', timezone: 'America/St_Johns', author: undefined, description: '' })]) {
      expect(renderPages(fast, site, articles, countTags(articles))).toEqual(renderPages(plain, site, articles, countTags(articles)));
    }
  });
});
