// The RunLock on the real SQLite state: who holds it, heartbeats that keep a long run from going
// stale, and a lock taken over while held.
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStoreRunLock, SEND_LOCK_NAME } from '../../src/schedule/store-run-lock.js';
import { openStore, thisProcessLockOwner, type LockOwner, type Store } from '../../src/state/index.js';
import { sleep, waitFor } from './harness.js';

let store: Store;
let root: string;
afterEach(() => {
  store?.close();
  rmSync(root, { recursive: true, force: true });
});

function open(): Store {
  root = mkdtempSync(join(tmpdir(), 'gazette-lock-'));
  store = openStore(root);
  return store;
}

// Another live process (the parent of this test worker) on this host, and one on another host.
const sibling: LockOwner = { pid: process.ppid, host: hostname(), startedAt: new Date('2026-05-04T08:00:00Z') };
const remote: LockOwner = { pid: 4242, host: 'web2.example.org', startedAt: new Date('2026-05-04T08:00:00Z') };

describe('createStoreRunLock', () => {
  it('acquires, tells who holds it when it cannot, and releases', () => {
    const s = open();
    const mine = createStoreRunLock({ store: s, owner: thisProcessLockOwner() });
    expect(mine.tryAcquire()).toEqual({ acquired: true });
    expect(s.lockHolder(SEND_LOCK_NAME)).toMatchObject({ pid: process.pid, host: hostname() });
    expect(s.acquireLock(SEND_LOCK_NAME, sibling, 60_000)).toBe(false);
    mine.release();
    mine.release(); // idempotent
    expect(s.lockHolder(SEND_LOCK_NAME)).toBeUndefined();

    expect(s.acquireLock(SEND_LOCK_NAME, remote, 60_000)).toBe(true);
    expect(mine.tryAcquire()).toEqual({ acquired: false, holder: 'pid 4242 on web2.example.org' });
    mine.release(); // not ours: the other holder keeps it
    expect(s.lockHolder(SEND_LOCK_NAME)).toMatchObject({ pid: 4242 });
  });

  it('heartbeats keep a long run from looking stale', async () => {
    const s = open();
    const mine = createStoreRunLock({ store: s, owner: thisProcessLockOwner(), staleAfterMs: 300 });
    expect(mine.tryAcquire().acquired).toBe(true);
    await sleep(900); // three times the stale limit
    expect(s.acquireLock(SEND_LOCK_NAME, remote, 300)).toBe(false);
    mine.release();
    // Without heartbeats, the same wait makes it stale and another process takes it over.
    const once = { ...thisProcessLockOwner(), host: 'web3.example.org' };
    expect(s.acquireLock(SEND_LOCK_NAME, once, 300)).toBe(true);
    await sleep(400);
    expect(s.acquireLock(SEND_LOCK_NAME, remote, 300)).toBe(true);
  });

  it('says so when the lock was taken over while held', async () => {
    const s = open();
    const owner = thisProcessLockOwner();
    const lost: (string | null)[] = [];
    const mine = createStoreRunLock({ store: s, owner, staleAfterMs: 150, onLost: (holder) => lost.push(holder) });
    expect(mine.tryAcquire().acquired).toBe(true);
    s.releaseLock(SEND_LOCK_NAME, owner); // as if it had gone stale and been taken…
    expect(s.acquireLock(SEND_LOCK_NAME, remote, 150)).toBe(true); // …by another host
    await waitFor('the lost lock to be noticed', () => lost.length > 0, 2_000);
    expect(lost).toEqual(['pid 4242 on web2.example.org']);
    mine.release();
    expect(s.lockHolder(SEND_LOCK_NAME)).toMatchObject({ host: 'web2.example.org' });
  });
});
