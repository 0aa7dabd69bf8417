/**
 * The parse cache: serialised articles keyed by source path, valid while the file's fingerprint
 * is unchanged. Only an optimisation, so a read-only store reads it and skips writes.
 */
import type { SqliteContext } from './sqlite-context.js';
import type { ParseCacheEntry, ParseCacheStore } from './store.js';

export function sqliteParseCacheStore(ctx: SqliteContext): ParseCacheStore {
  const { db } = ctx;
  const select = db.prepare<[string, string], { json: string }>(
    'SELECT json FROM parse_cache WHERE source_path = ? AND fingerprint = ?',
  );
  const selectAll = db.prepare<[], { source_path: string; fingerprint: string; json: string }>(
    'SELECT source_path, fingerprint, json FROM parse_cache',
  );
  const selectPaths = db.prepare<[], { source_path: string }>('SELECT source_path FROM parse_cache');
  const upsert = db.prepare<[string, string, string]>(
    `INSERT INTO parse_cache (source_path, fingerprint, json) VALUES (?, ?, ?)
     ON CONFLICT (source_path) DO UPDATE SET fingerprint = excluded.fingerprint, json = excluded.json`,
  );
  const remove = db.prepare<[string]>('DELETE FROM parse_cache WHERE source_path = ?');
  const upsertAll = db.transaction((entries: Iterable<ParseCacheEntry>) => {
    for (const e of entries) upsert.run(e.sourcePath, e.fingerprint, e.json);
  });
  const removeAll = db.transaction((paths: readonly string[]) => {
    for (const p of paths) remove.run(p);
  });

  return {
    cacheGet(sourcePath, fingerprint) {
      return select.get(sourcePath, fingerprint)?.json;
    },
    cacheSet(sourcePath, fingerprint, json) {
      if (!ctx.readonly) upsert.run(sourcePath, fingerprint, json);
    },
    cacheSetMany(entries) {
      if (!ctx.readonly) upsertAll.immediate(entries);
    },
    cacheLoadAll() {
      const all = new Map<string, { fingerprint: string; json: string }>();
      for (const row of selectAll.iterate()) all.set(row.source_path, { fingerprint: row.fingerprint, json: row.json });
      return all;
    },
    cachePrune(keepPaths) {
      if (ctx.readonly) return 0;
      const keep = new Set(keepPaths);
      const gone = selectPaths.all().map((r) => r.source_path).filter((p) => !keep.has(p));
      if (gone.length > 0) removeAll.immediate(gone);
      return gone.length;
    },
  };
}
