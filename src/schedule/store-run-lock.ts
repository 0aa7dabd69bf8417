/**
 * The RunLock every Gazette process shares: a named lock in the state store (one SQLite row taken
 * in an IMMEDIATE transaction; see state/lock-store.ts). `gazette publish` and `gazette resume`
 * must take the same name, so that whatever starts them, two processes never work on one digest.
 *
 * While held, the lock is renewed every `staleAfterMs / 3`, so a long send is never mistaken for a
 * hung one; a holder that crashed on this host is recognised at once by its dead pid, one on
 * another host (or hung) after `staleAfterMs` without a heartbeat.
 */
import type { LockHolder, LockOwner, LockStore } from '../state/store.js';
import type { LockAttempt, RunLock } from './run-lock.js';

/** The lock publish, resume and schedule all take. */
export const SEND_LOCK_NAME = 'send';

/** A holder that has not renewed the lock for this long is considered gone. */
export const DEFAULT_STALE_AFTER_MS = 120_000;

export interface StoreRunLockOptions {
  readonly store: LockStore;
  /** This process's identity; keep one object for the process's lifetime. */
  readonly owner: LockOwner;
  readonly name?: string;
  readonly staleAfterMs?: number;
  /** Called when a heartbeat finds the lock taken over (it had gone stale): say so in the log. */
  readonly onLost?: (holder: string | null) => void;
}

export function createStoreRunLock(options: StoreRunLockOptions): RunLock {
  const { store, owner } = options;
  const name = options.name ?? SEND_LOCK_NAME;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  let timer: NodeJS.Timeout | null = null;
  let held = false;

  const stopHeartbeat = (): void => {
    if (timer) clearInterval(timer);
    timer = null;
  };

  return {
    tryAcquire(): LockAttempt {
      if (!store.acquireLock(name, owner, staleAfterMs)) {
        const holder = store.lockHolder(name);
        return { acquired: false, holder: holder ? describeHolder(holder) : null };
      }
      held = true;
      stopHeartbeat();
      timer = setInterval(() => {
        let kept = false;
        try {
          kept = store.heartbeat(name, owner);
        } catch {
          return; // the database is busy or gone for a moment: the next beat tries again
        }
        if (!kept) {
          held = false;
          stopHeartbeat();
          const holder = store.lockHolder(name);
          options.onLost?.(holder ? describeHolder(holder) : null);
        }
      }, Math.max(1, Math.floor(staleAfterMs / 3)));
      // The heartbeat must never keep the process alive on its own.
      timer.unref();
      return { acquired: true };
    },
    release(): void {
      stopHeartbeat();
      if (!held) return; // never taken, already released, or taken over
      held = false;
      store.releaseLock(name, owner);
    },
  };
}

/** "pid 4242 on web1": what the log says about another process holding the lock. */
export function describeHolder(holder: Pick<LockHolder, 'pid' | 'host'>): string {
  return `pid ${holder.pid} on ${holder.host}`;
}
