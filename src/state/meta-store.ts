/** Small named values that outlive a run (last completed schedule slot, first-digest marker). */
import { assertWritable, type SqliteContext } from './sqlite-context.js';
import type { MetaStore } from './store.js';

export function sqliteMetaStore(ctx: SqliteContext): MetaStore {
  const { db } = ctx;
  const select = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const upsert = db.prepare<[string, string, number]>(
    `INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare<[string]>('DELETE FROM meta WHERE key = ?');

  return {
    getMeta(key) {
      return select.get(key)?.value;
    },
    setMeta(key, value) {
      assertWritable(ctx, `set ${key}`);
      upsert.run(key, value, Date.now());
    },
    deleteMeta(key) {
      assertWritable(ctx, `delete ${key}`);
      remove.run(key);
    },
  };
}
