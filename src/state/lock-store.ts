/**
 * Named inter-process locks in the state database, so `publish`, `schedule` and `resume` never
 * send at the same time, even from different terminals. Acquiring runs in an IMMEDIATE
 * transaction: the check and the write are one step, and only one process can win.
 *
 * A lock is stale, and taken over, when its holder is on this host and its pid is not running
 * (`kill(pid, 0)` fails with ESRCH: the process crashed without releasing), or when its last
 * heartbeat is older than `staleAfterMs` (a hung holder, or one on another host). EPERM means the
 * process exists under another user: it is alive. An owner is pid + host + start time, so a
 * recycled pid is not mistaken for the holder.
 */
import { hostname } from 'node:os';
import { isProcessAlive } from './process-alive.js';
import { assertWritable, type SqliteContext } from './sqlite-context.js';
import { fromDbTime, toDbTime } from './sqlite-time.js';
import type { LockHolder, LockOwner, LockStore } from './store.js';

interface LockRow {
  pid: number;
  host: string;
  started_at: number;
  heartbeat_at: number;
}

function sameOwner(row: LockRow, owner: LockOwner): boolean {
  return row.pid === owner.pid && row.host === owner.host && row.started_at === owner.startedAt.getTime();
}

function isStale(row: LockRow, staleAfterMs: number, now: number): boolean {
  if (row.host === hostname() && !isProcessAlive(row.pid)) return true;
  return now - row.heartbeat_at > staleAfterMs;
}

export function sqliteLockStore(ctx: SqliteContext): LockStore {
  const { db } = ctx;
  const select = db.prepare<[string], LockRow>('SELECT pid, host, started_at, heartbeat_at FROM locks WHERE name = ?');
  const upsert = db.prepare<[string, number, string, number, number]>(
    `INSERT INTO locks (name, pid, host, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET pid = excluded.pid, host = excluded.host,
       started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at`,
  );
  const beat = db.prepare<[number, string, number, string, number]>(
    'UPDATE locks SET heartbeat_at = ? WHERE name = ? AND pid = ? AND host = ? AND started_at = ?',
  );
  const remove = db.prepare<[string, number, string, number]>(
    'DELETE FROM locks WHERE name = ? AND pid = ? AND host = ? AND started_at = ?',
  );

  const acquire = db.transaction((name: string, owner: LockOwner, staleAfterMs: number, now: number) => {
    const row = select.get(name);
    if (row && !sameOwner(row, owner) && !isStale(row, staleAfterMs, now)) return false;
    upsert.run(name, owner.pid, owner.host, toDbTime(owner.startedAt, 'lock start time'), now);
    return true;
  });

  return {
    acquireLock(name, owner, staleAfterMs, now = new Date()) {
      assertWritable(ctx, `take the ${name} lock`);
      return acquire.immediate(name, owner, staleAfterMs, toDbTime(now, 'lock time'));
    },
    heartbeat(name, owner, now = new Date()) {
      assertWritable(ctx, `renew the ${name} lock`);
      const at = toDbTime(now, 'heartbeat time');
      return beat.run(at, name, owner.pid, owner.host, owner.startedAt.getTime()).changes === 1;
    },
    releaseLock(name, owner) {
      assertWritable(ctx, `release the ${name} lock`);
      return remove.run(name, owner.pid, owner.host, owner.startedAt.getTime()).changes === 1;
    },
    lockHolder(name): LockHolder | undefined {
      const row = select.get(name);
      if (!row) return undefined;
      return { pid: row.pid, host: row.host, startedAt: fromDbTime(row.started_at), heartbeatAt: fromDbTime(row.heartbeat_at) };
    },
  };
}

/** The owner identity of this process, for `acquireLock`; keep the same object for the run. */
export function thisProcessLockOwner(startedAt: Date = new Date()): LockOwner {
  return { pid: process.pid, host: hostname(), startedAt };
}
