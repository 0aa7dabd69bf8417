// The hash that keys list pages on what they can show of an article: any difference a template
// could render must change it; the body and a dateless article's placeholder date must not.
import { describe, expect, it } from 'vitest';
import { metaHash } from '../../src/build/parse-task.js';
import type { Article } from '../../src/model/index.js';
import { parse } from '../content/fixtures.js';

function base(): Article {
  return parse('---\ntitle: T\ndate: 2026-01-01\ntags: [A]\n---\nBody.\n').article;
}

describe('metaHash', () => {
  it('ignores the body, and is the same for the same article', () => {
    expect(metaHash({ ...base(), html: '<p>other</p>' })).toBe(metaHash(base()));
  });

  it('changes with anything a list page could show', () => {
    const h = metaHash(base());
    expect(metaHash({ ...base(), title: 'U' })).not.toBe(h);
    expect(metaHash({ ...base(), summary: 'new' })).not.toBe(h);
    expect(metaHash({ ...base(), date: new Date('2026-01-02') })).not.toBe(h);
    expect(metaHash({ ...base(), tags: [{ name: 'A', slug: 'b' }] })).not.toBe(h);
    expect(metaHash({ ...base(), authors: [{ name: 'X' }] })).not.toBe(h);
  });

  it('tells apart front-matter values that print alike in JSON', () => {
    const extra = (value: unknown) => metaHash({ ...base(), extra: { x: value } });
    const values = [null, Number.NaN, Infinity, -Infinity, 0, -0, '0', 'null', '2026-01-01T00:00:00.000Z', new Date('2026-01-01'), [], {}, [null], { a: 1, b: 2 }, { b: 2, a: 1 }, true, 'true'];
    expect(new Set(values.map(extra)).size).toBe(values.length);
  });

  it('survives a YAML alias that refers to itself', () => {
    const a = parse('---\ntitle: T\ndate: 2026-01-01\nloop: &x\n  self: *x\n---\nBody.\n').article;
    expect(metaHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('leaves out the placeholder date of a dateless article', () => {
    const text = 'By Someone\nA note. Second sentence.\n';
    const one = parse(text, { sourcePath: 'content/n.txt', firstSeen: new Date('2026-01-01') }).article;
    const two = parse(text, { sourcePath: 'content/n.txt', firstSeen: new Date('2026-05-05') }).article;
    expect(one.dateSource).toBe('first-seen');
    expect(metaHash(two)).toBe(metaHash(one));
  });
});
