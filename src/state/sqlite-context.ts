/**
 * What every SQLite-backed part of the store shares: the connection, where it lives (for
 * messages) and whether it may write. Internal to `state/`; never leaves it.
 */
import type Database from 'better-sqlite3';
import { GazetteError } from '../errors.js';

export interface SqliteContext {
  readonly db: Database.Database;
  readonly location: string;
  readonly readonly: boolean;
}

/** Refuse a write on a read-only store with a message that says what was attempted. */
export function assertWritable(ctx: SqliteContext, action: string): void {
  if (ctx.readonly) {
    throw new GazetteError('STATE', `Cannot ${action}: the state database ${ctx.location} is open read-only.`);
  }
}
