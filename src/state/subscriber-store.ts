/**
 * Subscribers in SQLite. Uniqueness is on `email_key` (see subscribers/email-address.ts); merge
 * rules come from subscribers/merge-subscriber.ts and run inside an IMMEDIATE transaction, so two
 * processes adding the same address end with one row. Every creation and status change appends to
 * `subscriber_events`: with the row's `source` and `subscribed_at`, that is the consent record.
 */
import { GazetteError } from '../errors.js';
import { SUBSCRIBER_STATUSES, type Subscriber, type SubscriberEvent, type SubscriberStatus } from '../model/subscriber.js';
import { normalizeEmail } from '../subscribers/email-address.js';
import {
  planSubscriberChange,
  type AddResult,
  type SubscriberFields,
  type SubscriberInput,
} from '../subscribers/merge-subscriber.js';
import { normalizeName } from '../subscribers/subscriber-name.js';
import { assertWritable, type SqliteContext } from './sqlite-context.js';
import { fromDbTime, fromDbTimeOrNull, toDbTime, toDbTimeOrNull } from './sqlite-time.js';
import type { SubscriberCounts, SubscriberQuery, SubscriberRef, SubscriberStore } from './store.js';

interface SubscriberRow {
  id: number;
  email: string;
  name: string | null;
  status: SubscriberStatus;
  subscribed_at: number | null;
  source: string;
  created_at: number;
  updated_at: number;
  unsubscribed_at: number | null;
}

const COLUMNS = 'id, email, name, status, subscribed_at, source, created_at, updated_at, unsubscribed_at';
const DEFAULT_BATCH = 1000;

function toSubscriber(row: SubscriberRow): Subscriber {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    status: row.status,
    subscribedAt: fromDbTimeOrNull(row.subscribed_at),
    source: row.source,
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
    unsubscribedAt: fromDbTimeOrNull(row.unsubscribed_at),
  };
}

function checkStatus(status: string): SubscriberStatus {
  if (!(SUBSCRIBER_STATUSES as readonly string[]).includes(status)) {
    throw new GazetteError('USAGE', `Unknown subscriber status "${status}": expected one of ${SUBSCRIBER_STATUSES.join(', ')}.`);
  }
  return status as SubscriberStatus;
}

/** Sources are recorded as consent evidence: one clean line. */
function checkSource(source: string): string {
  const clean = source.replace(/\p{Cc}/gu, ' ').trim();
  if (clean === '') throw new GazetteError('USAGE', 'A subscriber source is required ("cli", "import:file.csv", "web").');
  return clean.slice(0, 300);
}

function describeRef(ref: SubscriberRef): string {
  return typeof ref === 'number' ? `with id ${ref}` : JSON.stringify(ref);
}

export function sqliteSubscriberStore(ctx: SqliteContext): SubscriberStore {
  const { db } = ctx;
  const byId = db.prepare<[number], SubscriberRow>(`SELECT ${COLUMNS} FROM subscribers WHERE id = ?`);
  const byKey = db.prepare<[string], SubscriberRow>(`SELECT ${COLUMNS} FROM subscribers WHERE email_key = ?`);
  const insert = db.prepare<[string, string, string | null, string, number | null, string, number, number, number | null]>(
    `INSERT INTO subscribers (email, email_key, name, status, subscribed_at, source, created_at, updated_at, unsubscribed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare<[string | null, string, number | null, number | null, number, number]>(
    'UPDATE subscribers SET name = ?, status = ?, subscribed_at = ?, unsubscribed_at = ?, updated_at = ? WHERE id = ?',
  );
  const insertEvent = db.prepare<[number, number, string, string]>(
    'INSERT INTO subscriber_events (subscriber_id, at, status, source) VALUES (?, ?, ?, ?)',
  );
  const events = db.prepare<[number], { at: number; status: SubscriberStatus; source: string }>(
    'SELECT at, status, source FROM subscriber_events WHERE subscriber_id = ? ORDER BY id',
  );
  const remove = db.prepare<[number]>('DELETE FROM subscribers WHERE id = ?');
  const pageAll = db.prepare<[number, number], SubscriberRow>(
    `SELECT ${COLUMNS} FROM subscribers WHERE id > ? ORDER BY id LIMIT ?`,
  );
  const pageByStatus = db.prepare<[string, number, number], SubscriberRow>(
    `SELECT ${COLUMNS} FROM subscribers WHERE status = ? AND id > ? ORDER BY id LIMIT ?`,
  );
  const counts = db.prepare<[], { status: SubscriberStatus; n: number }>(
    'SELECT status, count(*) AS n FROM subscribers GROUP BY status',
  );

  function find(ref: SubscriberRef): SubscriberRow | undefined {
    return typeof ref === 'number' ? byId.get(ref) : byKey.get(normalizeEmail(ref).key);
  }

  function mustFind(ref: SubscriberRef): SubscriberRow {
    const row = find(ref);
    if (!row) throw new GazetteError('NOT_FOUND', `No subscriber ${describeRef(ref)}.`);
    return row;
  }

  function write(id: number, fields: SubscriberFields, at: Date): void {
    update.run(
      fields.name,
      fields.status,
      toDbTimeOrNull(fields.subscribedAt, 'subscribed_at'),
      toDbTimeOrNull(fields.unsubscribedAt, 'unsubscribed_at'),
      toDbTime(at, 'updated_at'),
      id,
    );
  }

  function addOne(input: SubscriberInput): AddResult {
    const { email, key } = normalizeEmail(input.email);
    const normalized = {
      email,
      name: normalizeName(input.name),
      status: checkStatus(input.status ?? 'active'),
      subscribedAt: input.subscribedAt,
      source: checkSource(input.source),
      at: input.at,
    };
    const at = toDbTime(input.at, 'the time of the change');
    const existingRow = byKey.get(key);
    const existing = existingRow && toSubscriber(existingRow);
    const change = planSubscriberChange(existing, normalized);
    switch (change.kind) {
      case 'insert': {
        const f = change.fields;
        const id = Number(
          insert.run(
            email,
            key,
            f.name,
            f.status,
            toDbTimeOrNull(f.subscribedAt, 'subscribed_at'),
            normalized.source,
            at,
            at,
            toDbTimeOrNull(f.unsubscribedAt, 'unsubscribed_at'),
          ).lastInsertRowid,
        );
        insertEvent.run(id, at, f.status, normalized.source);
        const subscriber: Subscriber = {
          id,
          email,
          ...f,
          source: normalized.source,
          createdAt: fromDbTime(at),
          updatedAt: fromDbTime(at),
        };
        return { outcome: 'added', subscriber };
      }
      case 'update': {
        const id = existingRow!.id;
        write(id, change.fields, input.at);
        if (change.statusChanged) insertEvent.run(id, at, change.fields.status, normalized.source);
        return { outcome: 'updated', subscriber: { ...existing!, ...change.fields, updatedAt: fromDbTime(at) } };
      }
      case 'unchanged':
        return { outcome: 'unchanged', subscriber: existing! };
      case 'refused':
        return { outcome: 'refused', subscriber: existing!, reason: change.reason };
    }
  }

  const addMany = db.transaction((inputs: readonly SubscriberInput[]) => inputs.map(addOne));

  const changeStatus = db.transaction((ref: SubscriberRef, status: SubscriberStatus, at: Date, source: string) => {
    const row = mustFind(ref);
    if (row.status === status) return toSubscriber(row);
    const current = toSubscriber(row);
    const fields: SubscriberFields = {
      name: current.name,
      status,
      subscribedAt: status === 'active' ? at : status === 'pending' ? null : current.subscribedAt,
      unsubscribedAt: status === 'unsubscribed' ? at : status === 'active' || status === 'pending' ? null : current.unsubscribedAt,
    };
    write(row.id, fields, at);
    insertEvent.run(row.id, toDbTime(at, 'the time of the change'), status, source);
    return toSubscriber(byId.get(row.id)!);
  });

  const unsubscribe = db.transaction((ref: SubscriberRef, at: Date, source: string) =>
    find(ref) ? changeStatus(ref, 'unsubscribed', at, source) : undefined,
  );

  const purge = db.transaction((ref: SubscriberRef) => {
    const row = find(ref);
    if (!row) return undefined;
    remove.run(row.id); // ON DELETE CASCADE removes history and ledger rows
    return toSubscriber(row);
  });

  function* pages(status: SubscriberStatus | undefined, afterId: number, batchSize: number): Generator<Subscriber> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    let last = afterId;
    for (;;) {
      // Keyset pages, not one open cursor: the caller may write between rows (SQLite forbids
      // writing on a connection while a statement iterates) and memory stays at one page.
      const rows = status ? pageByStatus.all(status, last, batchSize) : pageAll.all(last, batchSize);
      for (const row of rows) yield toSubscriber(row);
      if (rows.length < batchSize) return;
      last = rows[rows.length - 1]!.id;
    }
  }

  return {
    addSubscriber(input) {
      assertWritable(ctx, `add ${JSON.stringify(input.email)}`);
      return addMany.immediate([input])[0]!;
    },
    addSubscribers(inputs) {
      assertWritable(ctx, 'add subscribers');
      return addMany.immediate(inputs);
    },
    getSubscriber(ref) {
      const row = find(ref);
      return row && toSubscriber(row);
    },
    setSubscriberStatus(ref, status, at, source) {
      assertWritable(ctx, `change the status of ${describeRef(ref)}`);
      return changeStatus.immediate(ref, checkStatus(status), at, checkSource(source));
    },
    removeSubscriber(ref, opts) {
      assertWritable(ctx, `remove ${describeRef(ref)}`);
      if (opts.purge) return purge.immediate(ref);
      return unsubscribe.immediate(ref, opts.at, checkSource(opts.source));
    },
    listSubscribers(query: SubscriberQuery = {}) {
      const limit = query.limit ?? -1; // SQLite: LIMIT -1 is no limit
      const after = query.afterId ?? 0;
      const rows = query.status ? pageByStatus.all(checkStatus(query.status), after, limit) : pageAll.all(after, limit);
      return rows.map(toSubscriber);
    },
    iterateSubscribers(query = {}) {
      return pages(query.status && checkStatus(query.status), 0, query.batchSize ?? DEFAULT_BATCH);
    },
    iterateActive(afterId = 0, batchSize = DEFAULT_BATCH) {
      return pages('active', afterId, batchSize);
    },
    countByStatus(): SubscriberCounts {
      const result = { pending: 0, active: 0, unsubscribed: 0, bounced: 0, total: 0 };
      for (const row of counts.all()) {
        result[row.status] = row.n;
        result.total += row.n;
      }
      return result;
    },
    subscriberHistory(ref): SubscriberEvent[] {
      const row = find(ref);
      if (!row) return [];
      return events.all(row.id).map((e) => ({ at: fromDbTime(e.at), status: e.status, source: e.source }));
    },
  };
}
