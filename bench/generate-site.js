// Deterministic corpus for the build benchmark: N Markdown articles of ~600 words with front
// matter, links, lists, code, images and 50 tags. Same N → same bytes, every run, every machine.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but ' +
  'have an they you were her she there one all we their can has more if will would about been when ' +
  'market policy river station council library garden network signal harbour winter election bridge ' +
  'science museum budget festival transport school energy climate hospital journal archive'
).split(' ');
const TAGS = Array.from({ length: 50 }, (_, i) => (i % 7 === 0 ? `Thema ${i} Überblick` : `topic-${i}`));

/** Mulberry32: a tiny seeded PRNG so the corpus is identical on every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(r, n) {
  const words = Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]);
  words[0] = words[0][0].toUpperCase() + words[0].slice(1);
  return `${words.join(' ')}.`;
}

export function articleText(i, variant = 0) {
  const r = rng(i * 7919 + 17 + variant * 104729);
  const day = new Date(Date.UTC(2020, 0, 1) + i * 3_600_000 * 5);
  const tags = [TAGS[i % 50], TAGS[(i * 13 + 7) % 50], TAGS[(i * 29 + 3) % 50]];
  const para = () => Array.from({ length: 5 }, () => sentence(r, 8 + Math.floor(r() * 10))).join(' ');
  return `---
title: "Article ${i}: ${sentence(r, 6).slice(0, -1)}"
date: ${day.toISOString()}
authors: ["Author ${i % 37}"]
tags: [${tags.map((t) => JSON.stringify(t)).join(', ')}]
summary: "${sentence(r, 20)}"
---
${para()} See [the archive](/articles/article-${Math.max(0, i - 1)}/) and [a source](https://example.com/source/${i}).

## Background

${para()}

- ${sentence(r, 9)}
- ${sentence(r, 11)}
- ${sentence(r, 7)} [related](../article-${i + 1}/)

![Figure ${i}](/images/figure-${i % 10}.png)

${para()}

\`\`\`js
const total = items.reduce((sum, item) => sum + item.value, ${i});
console.log(total);
\`\`\`

${para()}

1. ${sentence(r, 10)}
2. ${sentence(r, 12)}

${para()} ${para()}
`;
}

export function generateSite(dir, n) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'content'), { recursive: true });
  writeFileSync(
    join(dir, 'gazette.config.json'),
    JSON.stringify({
      site: { title: 'Bench News', url: 'https://bench.example.org/', description: 'Benchmark corpus', language: 'en',
        author: { name: 'Bench Desk', email: 'desk@bench.example.org' } },
      feeds: { limit: 50 },
    }, null, 2),
  );
  for (let i = 0; i < n; i++) writeFileSync(join(dir, 'content', `article-${i}.md`), articleText(i));
  return dir;
}
