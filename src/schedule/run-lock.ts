/**
 * The lock that keeps two Gazette processes (this scheduler, a manual `gazette publish`, another
 * scheduler) from working on the site at once. The real one lives in the state store and is shared
 * across processes (store-run-lock.ts); the scheduler only needs these two calls.
 */
export type LockAttempt =
  | { readonly acquired: true }
  /** `holder` says who has it, for the log ("pid 4242 on web1"); null if unknown. */
  | { readonly acquired: false; readonly holder: string | null };

export interface RunLock {
  /** Never waits: either this process holds the lock afterwards, or it learns who does. */
  tryAcquire(): LockAttempt;
  /** Idempotent; only releases a lock this process holds. */
  release(): void;
}
