/** Several processes on one state database: claims never overlap, locks exclude each other. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { thisProcessLockOwner } from '../../src/state/lock-store.js';
import { openStore } from '../../src/state/open-store.js';
import { newDigest, removeTempRoots, subscriberInput, tempRoot } from './fixtures.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORKER = join(REPO, 'tests/state/store-worker.ts');

afterAll(removeTempRoots);

function startWorker(args: string[]): { child: ChildProcess; output: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'jiti/register', WORKER, ...args], { cwd: REPO });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const output = once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
  return { child, output };
}

function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolveLine, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.split('\n').includes(line)) resolveLine();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before printing ${line}`)));
  });
}

describe('several processes on one state', () => {
  it('never hands the same recipient to two senders racing on claimNext', async () => {
    const root = tempRoot();
    const store = openStore(root);
    const count = 800;
    store.addSubscribers(Array.from({ length: count }, (_, i) => subscriberInput(i + 1)));
    store.createDigest(newDigest('race'));
    store.close();

    const workers = [9, 16, 25].map((batch) => startWorker(['claim', root, 'race', String(batch)]));
    await Promise.all(workers.map((w) => waitForLine(w.child, 'ready')));
    for (const w of workers) w.child.stdin!.end('go\n');
    const results = await Promise.all(workers.map((w) => w.output));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const claims = results.map((r) => JSON.parse(r.stdout.replace('ready\n', '')) as number[]);
    const all = claims.flat();
    // Every worker got some work (they really raced), and no id was claimed twice.
    expect(claims.filter((c) => c.length > 0).length).toBeGreaterThan(1);
    expect(all.length).toBe(count);
    expect(new Set(all).size).toBe(count);
    for (const ids of claims) expect(ids).toEqual([...ids].sort((a, b) => a - b));

    const after = openStore(root, { readonly: true });
    expect(after.sendSummary('race')).toMatchObject({ recipients: count, sent: count, pending: 0, uncertain: 0, failed: 0 });
    expect(after.listDeliveries('race').every((d) => d.attempts === 1)).toBe(true);
    after.close();
  });

  it('keeps a lock from a live process and takes it over once that process is dead', async () => {
    const root = tempRoot();
    openStore(root).close();
    const holder = startWorker(['lock', root, 'send']);
    await waitForLine(holder.child, 'held');

    const store = openStore(root);
    const me = thisProcessLockOwner();
    expect(store.acquireLock('send', me, 60_000)).toBe(false);
    expect(store.lockHolder('send')?.pid).toBe(holder.child.pid);

    holder.child.kill('SIGKILL'); // a crash: it never releases the lock
    await holder.output;
    expect(store.lockHolder('send')?.pid).toBe(holder.child.pid);
    expect(store.acquireLock('send', me, 60_000)).toBe(true);
    expect(store.lockHolder('send')?.pid).toBe(process.pid);

    // Now this process holds it: a new worker is refused.
    const refused = await startWorker(['lock', root, 'send']).output;
    expect(refused.stdout).toBe('busy\n');
    expect(refused.code).toBe(1);
    store.releaseLock('send', me);
    store.close();
  });
});
