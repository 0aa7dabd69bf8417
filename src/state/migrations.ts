/**
 * The schema, as an ordered list of migrations. Never edit a released migration: add the next one.
 * Each runs in its own IMMEDIATE transaction together with the row that records it, so a crash or
 * a second process starting at the same moment can never leave a half-applied schema, and two
 * processes opening a fresh database do not both apply it. A database written by a newer Gazette
 * (a version this code does not know) is refused rather than misread.
 */
import type Database from 'better-sqlite3';
import { GazetteError } from '../errors.js';

export interface Migration {
  /** 1, 2, 3, … without gaps. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Marks the file as Gazette's (`PRAGMA application_id`): "GZTT". */
export const GAZETTE_APPLICATION_ID = 0x475a5454;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE subscribers (
        id              INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, even after a purge
        email           TEXT NOT NULL,
        email_key       TEXT NOT NULL UNIQUE,             -- lowercased local part + ASCII domain
        name            TEXT,
        status          TEXT NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed', 'bounced')),
        subscribed_at   INTEGER,
        source          TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        unsubscribed_at INTEGER
      );
      CREATE INDEX subscribers_by_status ON subscribers (status, id);

      CREATE TABLE subscriber_events (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        at            INTEGER NOT NULL,
        status        TEXT NOT NULL,
        source        TEXT NOT NULL
      );
      CREATE INDEX subscriber_events_by_subscriber ON subscriber_events (subscriber_id, id);

      CREATE TABLE digests (
        id            TEXT PRIMARY KEY,
        created_at    INTEGER NOT NULL,
        subject       TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('sending', 'paused', 'finished')),
        status_reason TEXT,
        finished_at   INTEGER,
        payload       TEXT
      );

      -- One row per covered article; the primary key makes "in at most one digest" a fact.
      CREATE TABLE digest_articles (
        article_id     TEXT PRIMARY KEY,
        digest_id      TEXT NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
        position       INTEGER NOT NULL,
        shown_position INTEGER                             -- null: in the "and N more"
      );
      CREATE INDEX digest_articles_by_digest ON digest_articles (digest_id, position);

      CREATE TABLE deliveries (
        digest_id       TEXT NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
        subscriber_id   INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
        email           TEXT NOT NULL,
        name            TEXT,
        status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        last_attempt_at INTEGER,
        next_attempt_at INTEGER,
        sent_at         INTEGER,
        message_id      TEXT,
        permanent       INTEGER NOT NULL DEFAULT 0 CHECK (permanent IN (0, 1)),
        PRIMARY KEY (digest_id, subscriber_id)
      ) WITHOUT ROWID;
      CREATE INDEX deliveries_by_status ON deliveries (digest_id, status, subscriber_id);
      CREATE INDEX deliveries_by_subscriber ON deliveries (subscriber_id);
      -- Only failures waiting for a retry: keeps claiming and summaries fast on huge sends.
      CREATE INDEX deliveries_due ON deliveries (digest_id, next_attempt_at)
        WHERE status = 'failed' AND next_attempt_at IS NOT NULL;

      CREATE TABLE first_seen (
        article_id    TEXT PRIMARY KEY,
        source_path   TEXT NOT NULL,
        first_seen_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE parse_cache (
        source_path TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        json        TEXT NOT NULL
      );

      CREATE TABLE meta (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE locks (
        name         TEXT PRIMARY KEY,
        pid          INTEGER NOT NULL,
        host         TEXT NOT NULL,
        started_at   INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL
      );
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** The applied schema version: 0 for a database without Gazette's schema. */
export function schemaVersion(db: Database.Database): number {
  if (!hasTable(db, 'schema_migrations')) return 0;
  const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null };
  return row.version ?? 0;
}

/** Refuse files that are SQLite but not Gazette's state, and states from a newer Gazette. */
export function checkSchema(db: Database.Database, location: string, latest: number): number {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId !== 0 && appId !== GAZETTE_APPLICATION_ID) {
    throw new GazetteError('STATE', `${location} is an SQLite database of another application, not Gazette's state.`);
  }
  const version = schemaVersion(db);
  if (version === 0) {
    const tables = db
      .prepare(
        "SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
      )
      .get() as { n: number };
    if (tables.n > 0) {
      throw new GazetteError('STATE', `${location} has tables but no Gazette schema: it is not Gazette's state database.`);
    }
  }
  if (version > latest) {
    throw new GazetteError(
      'STATE',
      `${location} was written by a newer Gazette (schema version ${version}; this Gazette knows up to ${latest}). ` +
        'Upgrade Gazette to use it.',
    );
  }
  return version;
}

/** Apply every migration not yet applied, in order. Returns the version reached. */
export function migrate(db: Database.Database, location: string, migrations: readonly Migration[] = MIGRATIONS): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  // Already current (every run but the first after an upgrade): only reads, so no write
  // transaction and no fsync. Versions only ever go up, and a newer one is refused below.
  if ((db.pragma('application_id', { simple: true }) as number) === GAZETTE_APPLICATION_ID && checkSchema(db, location, latest) === latest) return latest;
  db.transaction(() => {
    checkSchema(db, location, latest);
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    db.pragma(`application_id = ${GAZETTE_APPLICATION_ID}`);
  }).immediate();

  for (const migration of migrations) {
    const apply = db.transaction(() => {
      // Re-read inside the lock: another process may have applied it meanwhile.
      const current = checkSchema(db, location, latest);
      if (current >= migration.version) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    });
    try {
      apply.immediate();
    } catch (error) {
      if (error instanceof GazetteError) throw error;
      throw new GazetteError(
        'STATE',
        `Cannot upgrade the state database ${location} to schema version ${migration.version} (${migration.name}): ` +
          `${(error as Error).message}. Nothing of this step was applied.`,
        { cause: error },
      );
    }
  }
  return schemaVersion(db);
}
