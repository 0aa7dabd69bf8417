import { describe, expect, it } from 'vitest';
import { selectDigestArticles, type DigestSelectionInput } from '../../src/digest/index.js';
import { article, NOW } from './fixtures.js';

const DAY = 86_400_000;

function input(overrides: Partial<DigestSelectionInput>): DigestSelectionInput {
  return { published: [], covered: new Set(), firstRun: false, lookbackMs: 7 * DAY, now: NOW, maxArticles: 10, ...overrides };
}

const ids = (list: readonly { id: string }[]) => list.map((a) => a.id);

describe('selectDigestArticles', () => {
  it('returns null when nothing is new', () => {
    const published = [article(1), article(2)];
    expect(selectDigestArticles(input({ published, covered: new Set(ids(published)) }))).toBeNull();
    expect(selectDigestArticles(input({ published: [] }))).toBeNull();
  });

  it('does not resend an edited article (same GUID, new title and date)', () => {
    const sent = article(30);
    const edited = { ...sent, title: 'Corrected title', updated: NOW, date: new Date(NOW.getTime() - 3600_000) };
    const fresh = article(2);
    const result = selectDigestArticles(input({ published: [edited, fresh], covered: new Set([sent.id]) }));
    expect(ids(result!.shown)).toEqual([fresh.id]);
    expect(result!.covered).toEqual([fresh.id]);
  });

  it('picks up a new article back-dated before the last digest', () => {
    const old = article(24 * 40); // forty days ago, but never in a digest
    const result = selectDigestArticles(input({ published: [article(1), old], covered: new Set([article(1).id]) }));
    expect(ids(result!.shown)).toEqual([old.id]);
  });

  it('on the first run counts only articles within the lookback window', () => {
    const recent = article(24 * 6);
    const edge = article(24 * 7); // exactly 7 days old: still in
    const old = article(24 * 8);
    const result = selectDigestArticles(input({ published: [recent, edge, old], firstRun: true }));
    expect(ids(result!.shown)).toEqual([recent.id, edge.id]);
    expect(selectDigestArticles(input({ published: [old], firstRun: true }))).toBeNull();
    // Later runs have no window.
    expect(ids(selectDigestArticles(input({ published: [old] }))!.shown)).toEqual([old.id]);
  });

  it('shows the newest maxArticles and covers the rest as "more", newest first', () => {
    const published = [article(5), article(1), article(4), article(2), article(3)];
    const result = selectDigestArticles(input({ published, maxArticles: 2 }))!;
    expect(ids(result.shown)).toEqual([article(1).id, article(2).id]);
    expect(ids(result.more)).toEqual([article(3).id, article(4).id, article(5).id]);
    expect([...result.covered].sort()).toEqual(ids(published).sort());
    // Once the digest is recorded, "more" is not carried into the next one.
    expect(selectDigestArticles(input({ published, maxArticles: 2, covered: new Set(result.covered) }))).toBeNull();
  });

  it('ignores drafts, future-dated articles and duplicate GUIDs', () => {
    const draft = { ...article(1), id: 'urn:draft', draft: true };
    const future = { ...article(2), id: 'urn:future', date: new Date(NOW.getTime() + 60_000) };
    const a = article(3);
    const result = selectDigestArticles(input({ published: [draft, future, a, { ...a }] }))!;
    expect(ids(result.shown)).toEqual([a.id]);
  });

  it('rejects a nonsensical cap', () => {
    expect(() => selectDigestArticles(input({ published: [article(1)], maxArticles: 0 }))).toThrow(RangeError);
  });
});
