/**
 * Digests, the articles they cover, and the per-recipient delivery ledger, in SQLite.
 *
 * Invariants:
 * - An article is covered by at most one digest (primary key of `digest_articles`), so "new" is
 *   one query and an edited article is never sent again.
 * - A digest's audience is frozen when it is created, inside SQLite (INSERT … SELECT), in
 *   subscriber-id order: someone who subscribes later waits for the next digest; someone active
 *   now is never skipped (unless they unsubscribe before their turn, see `claimNext`).
 * - A delivery moves pending → sending → sent | failed; `sending` is written (and committed)
 *   before the SMTP call, so a crash leaves an *uncertain* row, never a silent resend.
 * - Claims happen in an IMMEDIATE transaction: two senders never get the same row.
 */
import { GazetteError } from '../errors.js';
import type { Delivery, DeliveryStatus, DigestRecord, DigestStatus, SendSummary } from '../model/delivery.js';
import { DIGEST_STATUSES, isDigestId } from '../model/delivery.js';
import type { SubscriberStatus } from '../model/subscriber.js';
import { assertWritable, type SqliteContext } from './sqlite-context.js';
import { fromDbTime, fromDbTimeOrNull, toDbTime, toDbTimeOrNull } from './sqlite-time.js';
import type { ClaimOptions, DigestStore, NewDigest, SentEntry } from './store.js';

interface DigestRow {
  id: string;
  created_at: number;
  subject: string;
  status: DigestStatus;
  status_reason: string | null;
  finished_at: number | null;
  payload: string | null;
}

interface DeliveryRow {
  digest_id: string;
  subscriber_id: number;
  email: string;
  name: string | null;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  last_attempt_at: number | null;
  next_attempt_at: number | null;
  sent_at: number | null;
  message_id: string | null;
  permanent: number;
}

const DELIVERY_COLUMNS =
  'digest_id, subscriber_id, email, name, status, attempts, last_error, last_attempt_at, next_attempt_at, sent_at, message_id, permanent';

/** SMTP replies can be long and multi-line; the ledger keeps enough to diagnose. */
const MAX_ERROR_LENGTH = 2000;

function toDelivery(row: DeliveryRow): Delivery {
  return {
    digestId: row.digest_id,
    subscriberId: row.subscriber_id,
    email: row.email,
    name: row.name,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    lastAttemptAt: fromDbTimeOrNull(row.last_attempt_at),
    nextAttemptAt: fromDbTimeOrNull(row.next_attempt_at),
    sentAt: fromDbTimeOrNull(row.sent_at),
    messageId: row.message_id,
    permanent: row.permanent === 1,
  };
}

function checkDigestId(id: string): string {
  if (!isDigestId(id)) {
    throw new GazetteError(
      'STATE',
      `Invalid digest id ${JSON.stringify(id)}: use 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit.`,
    );
  }
  return id;
}

function unique(ids: Iterable<string>): string[] {
  return [...new Set(ids)];
}

export function sqliteDigestStore(ctx: SqliteContext): DigestStore {
  const { db } = ctx;

  const digestById = db.prepare<[string], DigestRow>(
    'SELECT id, created_at, subject, status, status_reason, finished_at, payload FROM digests WHERE id = ?',
  );
  const digestsAll = db.prepare<[], DigestRow>(
    'SELECT id, created_at, subject, status, status_reason, finished_at, payload FROM digests ORDER BY created_at, id',
  );
  const digestsByStatus = db.prepare<[string], DigestRow>(
    'SELECT id, created_at, subject, status, status_reason, finished_at, payload FROM digests WHERE status = ? ORDER BY created_at, id',
  );
  const insertDigest = db.prepare<[string, number, string, string | null]>(
    "INSERT INTO digests (id, created_at, subject, status, payload) VALUES (?, ?, ?, 'sending', ?)",
  );
  const updateDigestStatus = db.prepare<[string, string | null, number | null, string]>(
    'UPDATE digests SET status = ?, status_reason = ?, finished_at = ? WHERE id = ?',
  );
  const articlesOf = db.prepare<[string], { article_id: string; shown_position: number | null }>(
    'SELECT article_id, shown_position FROM digest_articles WHERE digest_id = ? ORDER BY position',
  );
  const coveringDigest = db.prepare<[string], { digest_id: string }>(
    'SELECT digest_id FROM digest_articles WHERE article_id = ?',
  );
  const insertArticle = db.prepare<[string, string, number, number | null]>(
    'INSERT INTO digest_articles (article_id, digest_id, position, shown_position) VALUES (?, ?, ?, ?)',
  );
  const allCovered = db.prepare<[], { article_id: string }>('SELECT article_id FROM digest_articles');
  // The audience freeze: never passes through JavaScript, so 100,000 recipients cost one statement.
  const freeze = db.prepare<[string]>(
    `INSERT INTO deliveries (digest_id, subscriber_id, email, name, status)
     SELECT ?, id, email, name, 'pending' FROM subscribers WHERE status = 'active' ORDER BY id`,
  );

  const pendingPage = db.prepare<[string, number], { subscriber_id: number }>(
    "SELECT subscriber_id FROM deliveries WHERE digest_id = ? AND status = 'pending' ORDER BY subscriber_id LIMIT ?",
  );
  // Served by the partial index deliveries_due: only failures waiting for a retry are in it.
  const duePage = db.prepare<[string, number, number], { subscriber_id: number }>(
    `SELECT subscriber_id FROM deliveries
     WHERE digest_id = ? AND status = 'failed' AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?
     ORDER BY subscriber_id LIMIT ?`,
  );
  const subscriberStatus = db.prepare<[number], { status: SubscriberStatus }>('SELECT status FROM subscribers WHERE id = ?');
  // RETURNING hands back the claimed row as written, so a claim needs no second SELECT.
  const claim = db.prepare<[number, string, number], DeliveryRow>(
    `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, last_attempt_at = ?, next_attempt_at = NULL
     WHERE digest_id = ? AND subscriber_id = ?
     RETURNING ${DELIVERY_COLUMNS}`,
  );
  const skip = db.prepare<[string, number, string, number]>(
    `UPDATE deliveries SET status = 'failed', permanent = 0, next_attempt_at = NULL, last_error = ?, last_attempt_at = ?
     WHERE digest_id = ? AND subscriber_id = ?`,
  );
  const sent = db.prepare<[number, string, string, number]>(
    `UPDATE deliveries SET status = 'sent', sent_at = ?, message_id = ?, last_error = NULL, next_attempt_at = NULL, permanent = 0
     WHERE digest_id = ? AND subscriber_id = ?`,
  );
  const failed = db.prepare<[string, number, number | null, number, string, number]>(
    `UPDATE deliveries SET status = 'failed', last_error = ?, permanent = ?, next_attempt_at = ?, last_attempt_at = ?
     WHERE digest_id = ? AND subscriber_id = ?`,
  );
  // A hard bounce: the address is refused for good, so it gets no further digests.
  const bounce = db.prepare<[number, number]>(
    "UPDATE subscribers SET status = 'bounced', updated_at = ? WHERE id = ? AND status = 'active'",
  );
  const bounceEvent = db.prepare<[number, number]>(
    "INSERT INTO subscriber_events (subscriber_id, at, status, source) VALUES (?, ?, 'bounced', 'bounce')",
  );
  const earliestRetry = db.prepare<[string], { at: number | null }>(
    "SELECT min(next_attempt_at) AS at FROM deliveries WHERE digest_id = ? AND status = 'failed' AND next_attempt_at IS NOT NULL",
  );
  const uncertainToPending = db.prepare<[string]>(
    "UPDATE deliveries SET status = 'pending' WHERE digest_id = ? AND status = 'sending'",
  );
  const deliveryPage = db.prepare<[string, number, number], DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE digest_id = ? AND subscriber_id > ? ORDER BY subscriber_id LIMIT ?`,
  );
  const statusCounts = db.prepare<[], { digest_id: string; status: DeliveryStatus; n: number }>(
    'SELECT digest_id, status, count(*) AS n FROM deliveries GROUP BY digest_id, status',
  );
  const statusCountsOf = db.prepare<[string], { digest_id: string; status: DeliveryStatus; n: number }>(
    'SELECT digest_id, status, count(*) AS n FROM deliveries WHERE digest_id = ? GROUP BY status',
  );
  const retryCounts = db.prepare<[], { digest_id: string; n: number }>(
    "SELECT digest_id, count(*) AS n FROM deliveries WHERE status = 'failed' AND next_attempt_at IS NOT NULL GROUP BY digest_id",
  );
  const retryCountsOf = db.prepare<[string], { digest_id: string; n: number }>(
    "SELECT digest_id, count(*) AS n FROM deliveries WHERE digest_id = ? AND status = 'failed' AND next_attempt_at IS NOT NULL",
  );
  const articleCounts = db.prepare<[], { digest_id: string; n: number }>(
    'SELECT digest_id, count(*) AS n FROM digest_articles GROUP BY digest_id',
  );
  const articleCountOf = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM digest_articles WHERE digest_id = ?');

  function toRecord(row: DigestRow): DigestRecord {
    const articles = articlesOf.all(row.id);
    const shown = articles
      .filter((a) => a.shown_position !== null)
      .sort((a, b) => a.shown_position! - b.shown_position!)
      .map((a) => a.article_id);
    return {
      id: row.id,
      createdAt: fromDbTime(row.created_at),
      subject: row.subject,
      articleIds: shown,
      coveredIds: articles.map((a) => a.article_id),
      status: row.status,
      statusReason: row.status_reason,
      finishedAt: fromDbTimeOrNull(row.finished_at),
      payload: row.payload,
    };
  }

  function mustGetDigest(id: string): DigestRow {
    const row = digestById.get(id);
    if (!row) throw new GazetteError('NOT_FOUND', `No digest with id ${JSON.stringify(id)} in ${ctx.location}.`);
    return row;
  }

  const create = db.transaction((d: NewDigest) => {
    if (digestById.get(d.id)) throw new GazetteError('STATE', `A digest with id ${JSON.stringify(d.id)} already exists.`);
    const shown = unique(d.articleIds);
    const shownSet = new Set(shown);
    const covered = unique([...d.coveredIds, ...shown]);
    const conflicts = covered.flatMap((articleId) => {
      const other = coveringDigest.get(articleId);
      return other ? [`article ${JSON.stringify(articleId)} is already in digest ${JSON.stringify(other.digest_id)}`] : [];
    });
    if (conflicts.length > 0) {
      const more = conflicts.length > 5 ? ` (and ${conflicts.length - 5} more)` : '';
      throw new GazetteError(
        'STATE',
        `Cannot create digest ${JSON.stringify(d.id)}: ${conflicts.slice(0, 5).join('; ')}${more}. An article is sent in one digest only.`,
      );
    }
    insertDigest.run(d.id, toDbTime(d.createdAt, 'digest created_at'), d.subject, d.payload ?? null);
    covered.forEach((articleId, position) => {
      insertArticle.run(articleId, d.id, position, shownSet.has(articleId) ? shown.indexOf(articleId) : null);
    });
    const recipients = freeze.run(d.id).changes;
    return { digest: toRecord(digestById.get(d.id)!), recipients };
  });

  const claimRows = db.transaction((digestId: string, limit: number, opts: ClaimOptions) => {
    const now = toDbTime(opts.now, 'claim time');
    const skipInactive = opts.skipInactive ?? true;
    const claimed: Delivery[] = [];
    while (claimed.length < limit) {
      const need = limit - claimed.length;
      const ids = [...pendingPage.all(digestId, need), ...duePage.all(digestId, now, need)]
        .map((r) => r.subscriber_id)
        .sort((a, b) => a - b)
        .slice(0, need);
      if (ids.length === 0) break;
      for (const id of ids) {
        const status = subscriberStatus.get(id)?.status;
        if (skipInactive && status !== 'active') {
          skip.run(`skipped: the subscriber is ${status ?? 'gone'} since this send began`, now, digestId, id);
        } else {
          claimed.push(toDelivery(claim.get(now, digestId, id)!));
        }
      }
    }
    return claimed;
  });

  function markSentRow(digestId: string, subscriberId: number, messageId: string, at: Date): void {
    const changes = sent.run(toDbTime(at, 'sent_at'), messageId, digestId, subscriberId).changes;
    if (changes === 0) {
      throw new GazetteError('NOT_FOUND', `Digest ${JSON.stringify(digestId)} has no recipient with subscriber id ${subscriberId}.`);
    }
  }

  const markFailedRow = db.transaction(
    (digestId: string, subscriberId: number, error: string, permanent: boolean, nextAttemptAt: Date | null, at: Date) => {
      const when = toDbTime(at, 'attempt time');
      const next = permanent ? null : toDbTimeOrNull(nextAttemptAt, 'next attempt time');
      const message = error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH)}…` : error;
      const changes = failed.run(message, permanent ? 1 : 0, next, when, digestId, subscriberId).changes;
      if (changes === 0) {
        throw new GazetteError('NOT_FOUND', `Digest ${JSON.stringify(digestId)} has no recipient with subscriber id ${subscriberId}.`);
      }
      if (permanent && bounce.run(when, subscriberId).changes === 1) bounceEvent.run(subscriberId, when);
    },
  );

  const markSentAll = db.transaction((digestId: string, entries: readonly SentEntry[]) => {
    for (const e of entries) markSentRow(digestId, e.subscriberId, e.messageId, e.at);
  });

  function* deliveryPages(digestId: string, batchSize: number): Generator<Delivery> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    let last = 0;
    for (;;) {
      const rows = deliveryPage.all(digestId, last, batchSize);
      for (const row of rows) yield toDelivery(row);
      if (rows.length < batchSize) return;
      last = rows[rows.length - 1]!.subscriber_id;
    }
  }

  function summarize(
    row: DigestRow,
    counts: readonly { status: DeliveryStatus; n: number }[],
    retrying: number,
    articles: number,
  ): SendSummary {
    const by: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const c of counts) by[c.status] = c.n;
    return {
      id: row.id,
      created_at: fromDbTime(row.created_at).toISOString(),
      articles,
      recipients: by.pending + by.sending + by.sent + by.failed,
      sent: by.sent,
      failed: by.failed - retrying,
      pending: by.pending + retrying,
      uncertain: by.sending,
      status: row.status,
    };
  }

  return {
    createDigest(d) {
      assertWritable(ctx, `create digest ${JSON.stringify(d.id)}`);
      checkDigestId(d.id);
      return create.immediate(d);
    },
    getDigest(id) {
      const row = digestById.get(id);
      return row && toRecord(row);
    },
    listDigests(query = {}) {
      const rows = query.status ? digestsByStatus.all(query.status) : digestsAll.all();
      return rows.map(toRecord);
    },
    setDigestStatus(id, status, opts = {}) {
      assertWritable(ctx, `change the status of digest ${JSON.stringify(id)}`);
      if (!DIGEST_STATUSES.includes(status)) throw new GazetteError('STATE', `Unknown digest status ${JSON.stringify(status)}.`);
      mustGetDigest(id);
      const finishedAt = status === 'finished' ? toDbTime(opts.at ?? new Date(), 'finished_at') : null;
      updateDigestStatus.run(status, opts.reason ?? null, finishedAt, id);
    },
    coveredArticleIds() {
      return new Set(allCovered.all().map((r) => r.article_id));
    },
    claimNext(digestId, limit, opts) {
      assertWritable(ctx, `claim recipients of digest ${JSON.stringify(digestId)}`);
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
      return claimRows.immediate(digestId, limit, opts);
    },
    markSent(digestId, subscriberId, messageId, at) {
      assertWritable(ctx, 'record a sent message');
      markSentRow(digestId, subscriberId, messageId, at);
    },
    markSentMany(digestId, entries) {
      assertWritable(ctx, 'record sent messages');
      markSentAll.immediate(digestId, entries);
    },
    markFailed(digestId, subscriberId, error, permanent, nextAttemptAt, at = new Date()) {
      assertWritable(ctx, 'record a failed delivery');
      markFailedRow.immediate(digestId, subscriberId, error, permanent, nextAttemptAt, at);
    },
    nextAttemptAt(digestId) {
      const row = earliestRetry.get(digestId);
      return row?.at == null ? null : fromDbTime(row.at);
    },
    markUncertainAsPending(digestId) {
      assertWritable(ctx, `reset uncertain recipients of digest ${JSON.stringify(digestId)}`);
      return uncertainToPending.run(digestId).changes;
    },
    listDeliveries(digestId) {
      return [...deliveryPages(digestId, 5000)];
    },
    iterateDeliveries(digestId, batchSize = 1000) {
      return deliveryPages(digestId, batchSize);
    },
    sendSummaries() {
      const counts = new Map<string, { status: DeliveryStatus; n: number }[]>();
      for (const c of statusCounts.all()) counts.set(c.digest_id, [...(counts.get(c.digest_id) ?? []), c]);
      const retrying = new Map(retryCounts.all().map((r) => [r.digest_id, r.n]));
      const articles = new Map(articleCounts.all().map((r) => [r.digest_id, r.n]));
      return digestsAll
        .all()
        .map((row) => summarize(row, counts.get(row.id) ?? [], retrying.get(row.id) ?? 0, articles.get(row.id) ?? 0));
    },
    sendSummary(id) {
      const row = digestById.get(id);
      if (!row) return undefined;
      const retrying = retryCountsOf.get(id)?.n ?? 0;
      return summarize(row, statusCountsOf.all(id), retrying, articleCountOf.get(id)!.n);
    },
  };
}
