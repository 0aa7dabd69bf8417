/**
 * First-seen times of articles without a date. The first time recorded for an id wins forever
 * (INSERT OR IGNORE), so an article's date never moves once it has been published.
 */
import { assertWritable, type SqliteContext } from './sqlite-context.js';
import { fromDbTime, toDbTime } from './sqlite-time.js';
import type { FirstSeenEntry, FirstSeenStore } from './store.js';

export function sqliteFirstSeenStore(ctx: SqliteContext): FirstSeenStore {
  const { db } = ctx;
  const select = db.prepare<[string], { first_seen_at: number }>('SELECT first_seen_at FROM first_seen WHERE article_id = ?');
  const insert = db.prepare<[string, string, number]>(
    'INSERT INTO first_seen (article_id, source_path, first_seen_at) VALUES (?, ?, ?) ON CONFLICT (article_id) DO NOTHING',
  );
  const insertAll = db.transaction((entries: Iterable<FirstSeenEntry>) => {
    let added = 0;
    for (const e of entries) added += insert.run(e.id, e.sourcePath, toDbTime(e.at, `first-seen time of ${e.id}`)).changes;
    return added;
  });

  return {
    firstSeen(id) {
      const row = select.get(id);
      return row ? fromDbTime(row.first_seen_at) : undefined;
    },
    recordFirstSeen(entries) {
      assertWritable(ctx, 'record first-seen times');
      return insertAll.immediate(entries);
    },
  };
}
