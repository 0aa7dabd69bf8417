// From the state store to out/digests/: real digests rendered by the digest renderer, stored in a
// real SQLite store, read back and archived.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archivedDigestsFromStore } from '../../src/commands/digest-archive.js';
import { serialiseDigest } from '../../src/commands/digest-job.js';
import type { RenderedDigest } from '../../src/digest/index.js';
import { renderDigestArchive } from '../../src/render/digest-archive.js';
import { openStore, type Store } from '../../src/state/index.js';
import { article, NOW, render } from '../digest/fixtures.js';
import { removeTempRoots, tempRoot } from '../state/fixtures.js';
import { builtinRenderer, makeSite, SITE_URL, text } from './pages-fixtures.js';

let store: Store;
let first: RenderedDigest;
let second: RenderedDigest;
const LATER = new Date(NOW.getTime() + 7 * 86_400_000);

beforeAll(async () => {
  store = openStore(tempRoot());
  first = await render({ digestId: '20261120-090000', shown: [article(1), article(2)], more: [article(3)] });
  second = await render({ digestId: '20261127-090000', createdAt: LATER, shown: [article(4)], more: [] });
  for (const [rendered, shown, covered] of [
    [first, [1, 2], [1, 2, 3]],
    [second, [4], [4]],
  ] as const) {
    store.createDigest({
      id: rendered.id,
      createdAt: rendered.createdAt,
      subject: rendered.subject,
      articleIds: shown.map((n) => article(n).id),
      coveredIds: covered.map((n) => article(n).id),
      payload: serialiseDigest(rendered),
    });
  }
  store.setDigestStatus(first.id, 'finished');
  // Paused with nothing sent: its "view in browser" link may still be in a sent message.
  store.setDigestStatus(second.id, 'paused', { reason: 'too many failures in a row' });
  store.createDigest({ id: 'no-payload', createdAt: LATER, subject: 'Never rendered', articleIds: [], coveredIds: [], payload: null });
  store.createDigest({ id: 'corrupt', createdAt: LATER, subject: 'Broken', articleIds: [], coveredIds: [], payload: '{"web": ' });
  store.createDigest({ id: 'no-web', createdAt: LATER, subject: 'Old format', articleIds: [], coveredIds: [], payload: '{"subject":"x"}' });
  store.createDigest({ id: 'feed.json', createdAt: LATER, subject: 'Shadowing', articleIds: [], coveredIds: [], payload: serialiseDigest(second) });
});

afterAll(() => {
  store?.close();
  removeTempRoots();
});

describe('archivedDigestsFromStore', () => {
  it('keeps every digest that was made, whatever its send status, with its stored web version', () => {
    const archived = archivedDigestsFromStore(store.listDigests());
    expect(archived.map((d) => d.id)).toEqual([first.id, second.id]);
    expect(archived[0]).toMatchObject({ subject: first.subject, createdAt: first.createdAt, webHtml: first.web.content, articleCount: 3 });
    expect(archived[1]).toMatchObject({ subject: second.subject, createdAt: LATER, webHtml: second.web.content, articleCount: 1 });
  });

  it('names the articles each digest showed that are still published, in the order shown', () => {
    const [a] = archivedDigestsFromStore(store.listDigests(), { articles: [article(2), article(1), article(3)] });
    expect(a!.articles).toEqual([1, 2].map((n) => ({ title: article(n).title, url: article(n).url })));
    const [b] = archivedDigestsFromStore(store.listDigests(), { articles: [article(2)] });
    expect(b!.articles.map((x) => x.url)).toEqual([article(2).url]);
  });

  it('leaves out, with a warning naming it, a digest whose web version cannot be read or written', () => {
    const warnings: string[] = [];
    archivedDigestsFromStore(store.listDigests(), { warn: (m) => warnings.push(m) });
    expect(warnings.sort()).toEqual([
      expect.stringMatching(/^digest corrupt is left out of the archive at digests\/: its stored message cannot be read \(.+\)$/),
      expect.stringMatching(/^digest feed\.json is left out .*: the id is the name of the archive's own file digests\/feed\.json$/),
      expect.stringMatching(/^digest no-payload is left out .*: it has no stored message$/),
      expect.stringMatching(/^digest no-web is left out .*: its stored message has no web version$/),
    ]);
  });

  it('leaves out the later of two ids that differ only in letter case', () => {
    const [a] = store.listDigests();
    const warnings: string[] = [];
    const archived = archivedDigestsFromStore([a!, { ...a!, id: 'Weekly' }, { ...a!, id: 'WEEKLY' }], { warn: (m) => warnings.push(m) });
    expect(archived.map((d) => d.id)).toEqual([a!.id, 'Weekly']);
    expect(warnings).toEqual(['digest WEEKLY is left out of the archive at digests/: another digest has the same id apart from letter case']);
  });
});

describe('the archive of a real store', () => {
  it('publishes each web version at the address the email linked to, byte for byte, and lists it', async () => {
    const files = renderDigestArchive(await builtinRenderer(), makeSite(), archivedDigestsFromStore(store.listDigests(), { articles: [article(1), article(2), article(4)] }));
    const byPath = new Map(files.map((f) => [f.path, text(f.content)]));
    for (const rendered of [first, second]) {
      expect(byPath.get(rendered.web.path)).toBe(rendered.web.content);
      expect(rendered.webUrl).toBe(`${SITE_URL}digests/${rendered.id}/`);
      expect(byPath.get('digests/index.html')).toContain(`<a href="${rendered.webUrl}">`);
    }
    const page = byPath.get('digests/index.html')!;
    expect(page.indexOf(second.webUrl)).toBeLessThan(page.indexOf(first.webUrl));
  });
});
