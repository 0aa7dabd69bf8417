/**
 * Open the site's state: `<root>/.gazette/gazette.db`, SQLite via better-sqlite3.
 *
 * - The folder is created private (0700) and the file 0600: it holds every subscriber's address.
 * - WAL journal, so readers (`gazette sends`, the server) never block the sender; `busy_timeout`
 *   so a writer waits for another instead of failing at once; `synchronous = FULL`, so a ledger
 *   row written before an SMTP call survives a power cut too (at ~6,000 single-row commits a
 *   second on an SSD, far above any SMTP rate; batches are faster still).
 * - Foreign keys on; the schema is migrated on open (see migrations.ts).
 * - Read-only: never creates or changes anything. A site with no state yet reads as empty; a state
 *   written by an older Gazette must be upgraded by a command that writes first.
 * Every SQLite error leaving the store becomes a GazetteError naming the database file.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { GazetteError } from '../errors.js';
import { sqliteDigestStore } from './digest-store.js';
import { sqliteFirstSeenStore } from './first-seen-store.js';
import { sqliteLockStore } from './lock-store.js';
import { sqliteMetaStore } from './meta-store.js';
import { checkSchema, LATEST_SCHEMA_VERSION, migrate } from './migrations.js';
import { sqliteParseCacheStore } from './parse-cache-store.js';
import type { SqliteContext } from './sqlite-context.js';
import { STATE_DIR } from './state-dir.js';
import type { Store } from './store.js';
import { sqliteSubscriberStore } from './subscriber-store.js';

export const DATABASE_FILE = 'gazette.db';
const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

export interface OpenStoreOptions {
  /** Never create or change anything (`check`, `sends`, dry runs). */
  readonly readonly?: boolean;
  /** How long a write waits for another process's transaction. Default 10 s. */
  readonly busyTimeoutMs?: number;
}

export function stateDirectory(root: string): string {
  return join(resolve(root), STATE_DIR);
}

export function databasePath(root: string): string {
  return join(stateDirectory(root), DATABASE_FILE);
}

function isEmptyFile(path: string): boolean {
  return statSync(path).size === 0;
}

function openWritable(location: string, timeout: number): Database.Database {
  mkdirSync(join(location, '..'), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(location, 'wx', 0o600)); // SQLite gives -wal and -shm the same mode
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const db = new Database(location, { timeout });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, location);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function openReadonly(location: string, timeout: number): Database.Database {
  if (!existsSync(location) || isEmptyFile(location)) {
    // Nothing recorded yet: an empty in-memory state with the current schema, never written back.
    const db = new Database(':memory:');
    migrate(db, location);
    db.pragma('query_only = ON');
    return db;
  }
  const db = new Database(location, { readonly: true, fileMustExist: true, timeout });
  try {
    db.pragma('foreign_keys = ON');
    const version = checkSchema(db, location, LATEST_SCHEMA_VERSION);
    if (version < LATEST_SCHEMA_VERSION) {
      throw new GazetteError(
        'STATE',
        `${location} has schema version ${version}; this Gazette needs ${LATEST_SCHEMA_VERSION}. ` +
          'Run a command that writes (such as `gazette build`) once to upgrade it.',
      );
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function toStateError(error: unknown, location: string, timeout: number): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  if (error.code === 'SQLITE_BUSY' || error.code.startsWith('SQLITE_BUSY_')) {
    return new GazetteError(
      'LOCKED',
      `The state database ${location} stayed busy for ${timeout / 1000} s: another Gazette process is writing to it.`,
      { cause: error },
    );
  }
  return new GazetteError('STATE', `State database ${location}: ${error.message} (${error.code}).`, { cause: error });
}

function isIterator(value: unknown): value is IterableIterator<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Iterator<unknown>).next === 'function';
}

/** Wrap every method (and every iterator it returns) so SQLite errors leave as GazetteErrors. */
function withStateErrors(store: Store, location: string, timeout: number): Store {
  const convert = (error: unknown) => toStateError(error, location, timeout);
  function* guardIterator(it: IterableIterator<unknown>): Generator<unknown> {
    try {
      yield* it;
    } catch (error) {
      throw convert(error);
    }
  }
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(store)) {
    if (typeof value !== 'function') {
      wrapped[key] = value;
      continue;
    }
    wrapped[key] = (...args: unknown[]) => {
      try {
        const result: unknown = value(...args);
        return isIterator(result) ? guardIterator(result) : result;
      } catch (error) {
        throw convert(error);
      }
    };
  }
  return Object.freeze(wrapped) as unknown as Store;
}

/** Open (creating and migrating unless read-only) the state of the site at `root`. */
export function openStore(root: string, opts: OpenStoreOptions = {}): Store {
  const location = databasePath(root);
  const timeout = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const readonly = opts.readonly ?? false;
  let db: Database.Database;
  try {
    db = readonly ? openReadonly(location, timeout) : openWritable(location, timeout);
  } catch (error) {
    if (error instanceof GazetteError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new GazetteError('STATE', `Cannot open the state database ${location}: ${reason}.`, { cause: error });
  }
  const ctx: SqliteContext = { db, location, readonly };
  const store: Store = {
    ...sqliteFirstSeenStore(ctx),
    ...sqliteParseCacheStore(ctx),
    ...sqliteMetaStore(ctx),
    ...sqliteSubscriberStore(ctx),
    ...sqliteDigestStore(ctx),
    ...sqliteLockStore(ctx),
    location,
    readonly,
    close() {
      if (db.open) db.close();
    },
  };
  return withStateErrors(store, location, timeout);
}
