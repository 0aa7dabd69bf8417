/**
 * A list of 100,000 subscribers: freezing the audience, claiming and marking, summaries and
 * streaming must stay fast and within ~300 MB RSS. Prints the measured numbers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/state/open-store.js';
import type { Store } from '../../src/state/store.js';
import { at, newDigest, removeTempRoots, subscriberInput, tempRoot } from './fixtures.js';

afterAll(removeTempRoots);

const COUNT = 100_000;
const MB = 1024 * 1024;

function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}

function rssMb(): number {
  return Math.round(process.memoryUsage().rss / MB);
}

describe('100,000 subscribers', () => {
  let store: Store;

  it('imports, freezes, claims, marks and summarises within time and memory', () => {
    store = openStore(tempRoot());
    const report: string[] = [`RSS at start: ${rssMb()} MB`];

    const add = timed(() => {
      for (let start = 0; start < COUNT; start += 5_000) {
        store.addSubscribers(Array.from({ length: 5_000 }, (_, i) => subscriberInput(start + i + 1)));
      }
    });
    report.push(`add ${COUNT} subscribers (batches of 5,000): ${Math.round(add.ms)} ms`);
    expect(store.countByStatus().active).toBe(COUNT);

    const freeze = timed(() => store.createDigest(newDigest('big')));
    report.push(`createDigest freezing ${freeze.value.recipients} recipients: ${Math.round(freeze.ms)} ms, RSS ${rssMb()} MB`);
    expect(freeze.value.recipients).toBe(COUNT);
    expect(freeze.ms).toBeLessThan(10_000);

    // Per-row marks, one commit each. With synchronous = FULL every commit waits for fsync, so this
    // measures the disk (~6,000/s on an idle SSD, a few hundred on a busy one); a sender batches
    // its marks with markSentMany, measured below.
    const first = store.claimNext('big', 1_000, { now: at(61) });
    const single = timed(() => {
      for (const row of first) store.markSent('big', row.subscriberId, `<big.${row.subscriberId}@x>`, at(62));
    });
    const singleRate = Math.round(first.length / (single.ms / 1000));
    report.push(`markSent one row per commit: ${singleRate}/s`);
    expect(singleRate).toBeGreaterThan(100);

    let claimMs = 0;
    let markMs = 0;
    let marked = 0;
    for (;;) {
      const claim = timed(() => store.claimNext('big', 500, { now: at(63) }));
      claimMs += claim.ms;
      if (claim.value.length === 0) break;
      const entries = claim.value.map((r) => ({ subscriberId: r.subscriberId, messageId: `<big.${r.subscriberId}@x>`, at: at(64) }));
      markMs += timed(() => store.markSentMany('big', entries)).ms;
      marked += entries.length;
    }
    const batchRate = Math.round(marked / (markMs / 1000));
    report.push(`claimNext 500 at a time: ${Math.round(claimMs)} ms for ${marked} rows; markSentMany: ${batchRate}/s`);
    expect(marked).toBe(COUNT - first.length);
    expect(batchRate).toBeGreaterThan(5_000);

    const summary = timed(() => store.sendSummaries());
    report.push(`sendSummaries over ${COUNT} ledger rows: ${Math.round(summary.ms)} ms`);
    expect(summary.value[0]).toMatchObject({ recipients: COUNT, sent: COUNT, pending: 0, uncertain: 0 });

    let streamed = 0;
    let peak = 0;
    const stream = timed(() => {
      for (const s of store.iterateActive(0, 1_000)) {
        streamed += s.id > 0 ? 1 : 0;
        if (streamed % 10_000 === 0) peak = Math.max(peak, rssMb());
      }
    });
    report.push(`iterateActive over ${streamed}: ${Math.round(stream.ms)} ms, RSS ${peak} MB`);
    expect(streamed).toBe(COUNT);

    const rss = rssMb();
    report.push(`RSS at end: ${rss} MB`);
    console.log(`[state scale]\n  ${report.join('\n  ')}`);
    expect(rss).toBeLessThan(300);
    store.close();
  }, 240_000);
});
