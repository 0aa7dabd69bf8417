// planDigest: what the next digest shows, given what earlier digests covered and the baseline the
// first publish recorded (articles already old then never count as new).
import { afterEach, describe, expect, it } from 'vitest';
import { planDigest, recordBaseline } from '../../src/commands/digest-job.js';
import { loadConfig } from '../../src/config/index.js';
import type { Article } from '../../src/model/index.js';
import { openStore, type Store } from '../../src/state/index.js';
import { EMAIL_CONFIG } from '../cli/helpers-mail.js';
import { baseConfig, makeSite } from '../helpers/site.js';
import { gazetteError } from '../state/fixtures.js';

const NOW = new Date('2026-11-20T08:00:00Z');
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function article(id: string, daysAgo: number): Article {
  const date = new Date(NOW.getTime() - daysAgo * 86_400_000);
  return {
    sourcePath: `content/${id}.md`, slug: id, id: `urn:test:${id}`, title: id, date, updated: date, dateSource: 'front-matter',
    authors: [], summary: '', html: `<p>${id}</p>`, tags: [], url: `https://test.example.org/articles/${id}/`, draft: false, extra: {},
  } as Article;
}

async function setUp(): Promise<{ store: Store; config: Awaited<ReturnType<typeof loadConfig>> }> {
  const site = makeSite({ config: baseConfig({ email: EMAIL_CONFIG, digest: { lookback: '7d' } }) });
  const store = openStore(site.root);
  cleanups.push(() => store.close(), () => site.cleanup());
  return { store, config: await loadConfig({ root: site.root, env: {} }) };
}

describe('planDigest', () => {
  it('on the first publish shows only what is within the lookback, and records the rest as already known', async () => {
    const { store, config } = await setUp();
    const published = [article('new', 1), article('old', 30), article('older', 60)];
    const plan = planDigest(config, store, published, NOW);
    expect(plan.selection.shown.map((a) => a.id)).toEqual(['urn:test:new']);
    expect(plan.baseline).toEqual(['urn:test:old', 'urn:test:older']);
    recordBaseline(store, plan);
    // Later, the old ones still never count as new, even past the first run.
    const later = planDigest(config, store, published, new Date(NOW.getTime() + 86_400_000));
    expect(later.baseline).toBeNull();
    expect(later.selection.shown.map((a) => a.id)).toEqual(['urn:test:new']);
  });

  it('names the damaged baseline entry instead of failing on JSON', async () => {
    const { store, config } = await setUp();
    store.setMeta('digest.baseline', '{not json');
    const error = gazetteError(() => planDigest(config, store, [article('new', 1)], NOW));
    expect(error.code).toBe('STATE');
    expect(error.message).toMatch(/digest\.baseline entry is damaged/);
    store.setMeta('digest.baseline', JSON.stringify([1, 2]));
    expect(gazetteError(() => planDigest(config, store, [article('new', 1)], NOW)).code).toBe('STATE');
  });
});
