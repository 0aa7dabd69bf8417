import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseArticle } from '../../src/content/index.js';
import { makeSite } from './fixtures.js';

const SAMPLE = 'content/000_ba9c1d656490eefb.txt';
const FIRST_SEEN = new Date('2026-11-07T09:30:00Z');

async function sample() {
  const bytes = await readFile(new URL(`../../${SAMPLE}`, import.meta.url));
  return parseArticle({ sourcePath: SAMPLE, bytes, site: makeSite(), firstSeen: FIRST_SEEN });
}

describe('the sample news copy (plain text, byline, no front matter)', () => {
  it('takes the title from the first sentence, without the final period, and warns', async () => {
    const { article, warnings } = await sample();
    expect(article.title).toBe(
      'Kazakhstan will join the Abraham Accords, a senior U.S. administration official told The Epoch Times',
    );
    expect(warnings).toEqual([
      { file: SAMPLE, line: 3, message: 'no title: derived from the first sentence; add "title:" to choose one' },
    ]);
  });

  it('reads the authors from the byline and leaves the byline out of the body', async () => {
    const { article } = await sample();
    expect(article.authors).toEqual([{ name: 'Jackson Richman' }, { name: 'Amel Akan' }]);
    expect(article.html).not.toContain('By Jackson');
  });

  it('makes one paragraph per remaining line: 16', async () => {
    const { article } = await sample();
    const paragraphs = [...article.html.matchAll(/<p>(.*?)<\/p>/g)].map((m) => m[1]);
    expect(paragraphs).toHaveLength(16);
    expect(paragraphs[0]).toBe(
      'Kazakhstan will join the Abraham Accords, a senior U.S. administration official told The Epoch Times.',
    );
    expect(paragraphs[3]).toBe('Israel’s embassy is in the Kazakh capital Astana, while Kazakhstan’s embassy in Israel is in Tel Aviv.');
    expect(paragraphs[15]).toMatch(/^Trump has been trying to expand the Abraham Accords/);
  });

  it('uses the first-seen moment as its date and says so', async () => {
    const { article, needsFirstSeen } = await sample();
    expect(needsFirstSeen).toBe(true);
    expect(article.dateSource).toBe('first-seen');
    expect(article.date).toEqual(FIRST_SEEN);
    expect(article.updated).toEqual(FIRST_SEEN);
  });

  it('summarises with the text after the title sentence, cut at a word', async () => {
    const { article } = await sample();
    expect(article.summary.startsWith('Kazakhstan President Kassym-Jomart Tokayev will tell U.S. President Donald Trump')).toBe(true);
    expect(article.summary.length).toBeLessThanOrEqual(281);
  });

  it('gets its slug from the file name and a stable urn:uuid id', async () => {
    const { article } = await sample();
    expect(article.slug).toBe('000_ba9c1d656490eefb');
    expect(article.url).toBe('https://news.example.org/articles/000_ba9c1d656490eefb/');
    expect(article.id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
