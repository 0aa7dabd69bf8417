// jsonArrayChunks: the streamed `--json` lists read exactly like JSON.stringify(…, null, 2).
import { describe, expect, it } from 'vitest';
import { jsonArrayChunks, mapped } from '../../src/commands/json-chunks.js';

const row = (i: number) => ({ email: `reader${i}@example.net`, name: i % 2 ? `Reader "${i}"` : null, tags: [i, { deep: i }], empty: [] });

describe('jsonArrayChunks', () => {
  it.each([0, 1, 3, 3000])('%i items, at the top and nested one level: the text of JSON.stringify', (n) => {
    const items = Array.from({ length: n }, (_, i) => row(i));
    expect([...jsonArrayChunks(items)].join('')).toBe(JSON.stringify(items, null, 2));
    const nested = JSON.stringify({ id: 'x', deliveries: items }, null, 2);
    expect(`{\n  "id": "x",\n  "deliveries": ${[...jsonArrayChunks(items, 1)].join('')}\n}`).toBe(nested);
  });

  it('comes in pieces for a long list, made while the items are read', () => {
    let read = 0;
    const items = mapped(Array.from({ length: 3000 }, (_, i) => i), (i) => (read++, row(i)));
    const chunks = jsonArrayChunks(items);
    const first = chunks.next();
    expect(first.done).toBe(false);
    expect(read).toBeLessThan(3000);
    expect([first.value, ...chunks].length).toBeGreaterThan(2);
  });
});
