/** SQLite specifics: where the file lives, its settings, migrations, read-only use, errors. */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import { GAZETTE_APPLICATION_ID, LATEST_SCHEMA_VERSION, migrate, MIGRATIONS, type Migration } from '../../src/state/migrations.js';
import { databasePath, openStore } from '../../src/state/open-store.js';
import { at, gazetteError, removeTempRoots, subscriberInput, tempRoot } from './fixtures.js';

afterAll(removeTempRoots);

function raw(root: string): Database.Database {
  return new Database(databasePath(root));
}

describe('openStore (SQLite)', () => {
  it('creates <root>/.gazette/gazette.db privately, in WAL mode, with the full schema', () => {
    const root = tempRoot();
    const store = openStore(root);
    expect(store.location).toBe(join(root, '.gazette', 'gazette.db'));
    store.addSubscriber(subscriberInput(1));
    store.close();

    expect(statSync(join(root, '.gazette')).mode & 0o777).toBe(0o700);
    expect(statSync(databasePath(root)).mode & 0o777).toBe(0o600);
    const db = raw(root);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('application_id', { simple: true })).toBe(GAZETTE_APPLICATION_ID);
    expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
    );
    expect(db.prepare('SELECT email, email_key FROM subscribers').all()).toEqual([
      { email: 'reader1@example.org', email_key: 'reader1@example.org' },
    ]);
    db.close();
  });

  it('reopens an existing state without migrating again, and keeps its data', () => {
    const root = tempRoot();
    const first = openStore(root);
    first.addSubscriber(subscriberInput(1));
    first.recordFirstSeen([{ id: 'urn:a', sourcePath: 'content/a.md', at: at(1) }]);
    first.close();
    const appliedAt = (raw(root).prepare('SELECT applied_at FROM schema_migrations').get() as { applied_at: number }).applied_at;

    const second = openStore(root);
    expect(second.getSubscriber('reader1@example.org')?.status).toBe('active');
    expect(second.firstSeen('urn:a')).toEqual(at(1));
    second.close();
    const db = raw(root);
    expect(db.prepare('SELECT count(*) AS n, max(applied_at) AS t FROM schema_migrations').get()).toEqual({
      n: LATEST_SCHEMA_VERSION,
      t: appliedAt,
    });
    db.close();
  });

  it('enforces foreign keys', () => {
    const root = tempRoot();
    const store = openStore(root);
    store.close();
    // The store turns them on for its own connection; prove the schema relies on it.
    const db = raw(root);
    db.pragma('foreign_keys = ON');
    expect(() =>
      db.prepare("INSERT INTO deliveries (digest_id, subscriber_id, email, status) VALUES ('x', 1, 'a@b.org', 'pending')").run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('refuses a state written by a newer Gazette, naming the file and both versions', () => {
    const root = tempRoot();
    openStore(root).close();
    const db = raw(root);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('from the future');
    db.close();
    for (const readonly of [false, true]) {
      const error = gazetteError(() => openStore(root, { readonly }));
      expect(error.code).toBe('STATE');
      expect(error.message).toContain(databasePath(root));
      expect(error.message).toMatch(/newer Gazette \(schema version 99; this Gazette knows up to 1\)/);
    }
  });

  it("refuses an SQLite file that is not Gazette's, and a file that is not SQLite", () => {
    const foreign = tempRoot();
    mkdirSync(join(foreign, '.gazette'));
    const db = raw(foreign);
    db.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY)');
    db.close();
    expect(gazetteError(() => openStore(foreign)).message).toMatch(/not Gazette's state database/);
    const other = new Database(databasePath(foreign));
    other.pragma('application_id = 1234');
    other.close();
    expect(gazetteError(() => openStore(foreign)).message).toMatch(/another application/);

    const garbage = tempRoot();
    mkdirSync(join(garbage, '.gazette'));
    writeFileSync(databasePath(garbage), 'this is not a database, just text\n'.repeat(200));
    const error = gazetteError(() => openStore(garbage));
    expect(error.code).toBe('STATE');
    expect(error.message).toContain(databasePath(garbage));
  });

  it('applies migrations in order, each all-or-nothing', () => {
    const root = tempRoot();
    mkdirSync(join(root, '.gazette'));
    const db = raw(root);
    const broken: Migration[] = [
      ...MIGRATIONS,
      { version: 2, name: 'add tags', sql: 'CREATE TABLE tags (id INTEGER PRIMARY KEY); CREATE TABLE subscribers (x);' },
    ];
    let error: unknown;
    try {
      migrate(db, 'test.db', broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GazetteError);
    expect((error as Error).message).toMatch(/schema version 2 \(add tags\).*already exists.*Nothing of this step was applied/);
    // Version 1 stayed applied; nothing of version 2 (not even its first statement) remains.
    expect(db.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({ v: 1 });
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'tags'").get()).toBeUndefined();
    const fixed: Migration[] = [...MIGRATIONS, { version: 2, name: 'add tags', sql: 'CREATE TABLE tags (id INTEGER PRIMARY KEY);' }];
    expect(migrate(db, 'test.db', fixed)).toBe(2);
    expect(migrate(db, 'test.db', fixed)).toBe(2);
    db.close();
  });

  it('opens a state that is already current without writing to it', () => {
    const root = tempRoot();
    openStore(root).close();
    // A connection that cannot write: migrating a current state must only read.
    const readOnly = new Database(databasePath(root), { readonly: true, fileMustExist: true });
    expect(migrate(readOnly, 'test.db')).toBe(LATEST_SCHEMA_VERSION);
    readOnly.close();
    // One step behind, it still upgrades (and that does write).
    const behind = raw(root);
    const next: Migration[] = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'add notes', sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY);' }];
    expect(migrate(behind, 'test.db', next)).toBe(MIGRATIONS.length + 1);
    expect(behind.prepare("SELECT name FROM sqlite_schema WHERE name = 'notes'").get()).toEqual({ name: 'notes' });
    behind.close();
  });

  describe('read-only', () => {
    it('reads a site with no state yet as empty, and creates nothing', () => {
      const root = tempRoot();
      const store = openStore(root, { readonly: true });
      expect(store.readonly).toBe(true);
      expect(store.countByStatus().total).toBe(0);
      expect(store.firstSeen('urn:a')).toBeUndefined();
      expect(store.sendSummaries()).toEqual([]);
      store.cacheSet('content/a.md', 'f', '{}'); // the cache is best-effort: skipped, no error
      expect(store.cacheGet('content/a.md', 'f')).toBeUndefined();
      store.close();
      expect(existsSync(join(root, '.gazette'))).toBe(false);
    });

    it('reads what a writer wrote, even while the writer keeps it open', () => {
      const root = tempRoot();
      const writer = openStore(root);
      writer.addSubscriber(subscriberInput(1));
      const reader = openStore(root, { readonly: true });
      expect(reader.getSubscriber('reader1@example.org')?.status).toBe('active');
      writer.addSubscriber(subscriberInput(2));
      expect(reader.countByStatus().active).toBe(2);
      reader.close();
      writer.close();
    });

    it('refuses every write with an error naming the database', () => {
      const root = tempRoot();
      openStore(root).close();
      const store = openStore(root, { readonly: true });
      const writes: [string, () => unknown][] = [
        ['addSubscriber', () => store.addSubscriber(subscriberInput(1))],
        ['recordFirstSeen', () => store.recordFirstSeen([{ id: 'a', sourcePath: 'a.md', at: at(0) }])],
        ['setMeta', () => store.setMeta('k', 'v')],
        ['createDigest', () => store.createDigest({ id: 'd', createdAt: at(0), subject: 's', articleIds: [], coveredIds: [] })],
        ['acquireLock', () => store.acquireLock('send', { pid: process.pid, host: 'h', startedAt: at(0) }, 1000)],
        ['markSent', () => store.markSent('d', 1, '<m@x>', at(0))],
      ];
      for (const [name, write] of writes) {
        const error = gazetteError(write);
        expect(error.code, name).toBe('STATE');
        expect(error.message, name).toMatch(/open read-only/);
        expect(error.message, name).toContain(databasePath(root));
      }
      store.close();
    });

    it('asks for an upgrade instead of reading an older schema', () => {
      const root = tempRoot();
      mkdirSync(join(root, '.gazette'));
      const db = raw(root);
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      db.close();
      expect(gazetteError(() => openStore(root, { readonly: true })).message).toMatch(
        /schema version 0; this Gazette needs 1\. Run a command that writes/,
      );
      // A writing open upgrades it.
      openStore(root).close();
      openStore(root, { readonly: true }).close();
    });
  });

  it('reports a database kept busy by another process as LOCKED, naming it', () => {
    const root = tempRoot();
    const store = openStore(root, { busyTimeoutMs: 100 });
    const other = raw(root);
    other.exec('BEGIN IMMEDIATE');
    const error = gazetteError(() => store.setMeta('k', 'v'));
    expect(error.code).toBe('LOCKED');
    expect(error.message).toContain(databasePath(root));
    other.exec('ROLLBACK');
    store.setMeta('k', 'v');
    expect(store.getMeta('k')).toBe('v');
    other.close();
    store.close();
  });
});
