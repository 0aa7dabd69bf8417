/**
 * Import subscribers from CSV text (`gazette subscribers import FILE`).
 *
 * Header `email,name,status,subscribed_at` (any order, any case; only `email` is required; other
 * columns are ignored and reported). Every row is checked on its own: a malformed line, an invalid
 * address, an unknown status or date is reported with its line and skipped, and the rest are
 * imported. An address already on the list, or twice in the file, is merged, never duplicated.
 * Rows are `active` unless they say otherwise (the operator vouches for consent; the source is
 * recorded), and an `unsubscribed` or `bounced` address is never reactivated (the merge rules in
 * merge-subscriber.ts). Rows are written in batches, each batch one transaction.
 */
import { GazetteError } from '../errors.js';
import { SUBSCRIBER_STATUSES, type SubscriberStatus } from '../model/subscriber.js';
import type { SubscriberStore } from '../state/store.js';
import { readCsvRecords } from './csv-records.js';
import { parseEmailAddress, quoteAddress } from './email-address.js';
import type { SubscriberInput } from './merge-subscriber.js';
import { SUBSCRIBER_CSV_COLUMNS, unescapeFormula, type SubscriberCsvColumn } from './subscriber-csv.js';

export interface ImportOptions {
  /** Recorded on every new subscriber and event: 'import:subscribers.csv'. */
  readonly source: string;
  /** The import time: consent time of rows without `subscribed_at`, and of every change. */
  readonly now: Date;
  /** For messages ("subscribers.csv"). */
  readonly fileName?: string;
  readonly batchSize?: number;
}

export interface SkippedRow {
  readonly line: number;
  /** As written in the file ('' when the line could not be read). */
  readonly email: string;
  readonly reason: string;
}

export interface ImportResult {
  readonly added: number;
  readonly updated: number;
  /** Already on the list with the same data. */
  readonly unchanged: number;
  readonly skipped: readonly SkippedRow[];
  /** Header columns Gazette does not know, ignored. */
  readonly ignoredColumns: readonly string[];
}

type ColumnIndex = Partial<Record<SubscriberCsvColumn, number>>;

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * `subscribed_at`: ISO 8601 date or date-time; without an offset it is UTC. A consent time in
 * the future is refused: it cannot be true.
 */
function parseConsentTime(text: string, now: Date): Date | string {
  const m = DATE_TIME.exec(text);
  if (!m) return `subscribed_at ${JSON.stringify(text)} is not an ISO 8601 date such as 2024-05-01 or 2024-05-01T08:30:00Z`;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  let offset = 'Z';
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    offset = `${digits.slice(0, 3)}:${digits.slice(3, 5) || '00'}`;
  }
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}.${frac.padEnd(3, '0').slice(0, 3)}${offset}`;
  const date = new Date(iso);
  // Date accepts 2024-02-30 by rolling over; compare the calendar fields to refuse it.
  const check = new Date(`${y}-${mo}-${d}T00:00:00Z`);
  if (
    Number.isNaN(date.getTime()) ||
    Number.isNaN(check.getTime()) ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    return `subscribed_at ${JSON.stringify(text)} is not a real date and time`;
  }
  if (date.getTime() > now.getTime()) return `subscribed_at ${JSON.stringify(text)} is in the future`;
  return date;
}

function headerName(field: string): string {
  return field
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function readHeader(fields: readonly string[], line: number, fileName: string): { columns: ColumnIndex; ignored: string[] } {
  const columns: ColumnIndex = {};
  const ignored: string[] = [];
  fields.forEach((field, index) => {
    const name = headerName(field);
    if ((SUBSCRIBER_CSV_COLUMNS as readonly string[]).includes(name)) {
      const column = name as SubscriberCsvColumn;
      if (columns[column] !== undefined) {
        throw new GazetteError('USAGE', `${fileName}:${line}: the header has the column "${column}" twice.`, {
          problems: [{ file: fileName, line, message: `duplicate column "${column}"` }],
        });
      }
      columns[column] = index;
    } else if (name !== '') {
      ignored.push(field.trim());
    }
  });
  if (columns.email === undefined) {
    const found = fields.map((f) => f.trim()).join(',');
    throw new GazetteError(
      'USAGE',
      `${fileName}:${line}: the first line must be a header with an "email" column ` +
        `(${SUBSCRIBER_CSV_COLUMNS.join(',')}); found ${JSON.stringify(found.slice(0, 200))}.`,
      { problems: [{ file: fileName, line, message: 'no "email" column in the header' }] },
    );
  }
  return { columns, ignored };
}

interface PendingRow {
  readonly line: number;
  readonly email: string;
  readonly input: SubscriberInput;
}

export function importCsv(store: Pick<SubscriberStore, 'addSubscribers'>, csvText: string, opts: ImportOptions): ImportResult {
  const fileName = opts.fileName ?? 'the CSV file';
  const batchSize = opts.batchSize ?? 1000;
  const skipped: SkippedRow[] = [];
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  let header: { columns: ColumnIndex; ignored: string[]; width: number } | undefined;
  let batch: PendingRow[] = [];

  const flush = () => {
    if (batch.length === 0) return;
    const results = store.addSubscribers(batch.map((r) => r.input));
    results.forEach((result, i) => {
      const row = batch[i]!;
      if (result.outcome === 'added') added++;
      else if (result.outcome === 'updated') updated++;
      else if (result.outcome === 'unchanged') unchanged++;
      else skipped.push({ line: row.line, email: row.email, reason: result.reason ?? 'refused' });
    });
    batch = [];
  };

  for (const record of readCsvRecords(csvText)) {
    if ('error' in record) {
      if (!header) {
        throw new GazetteError('USAGE', `${fileName}:${record.line}: cannot read the header: ${record.error}.`, {
          problems: [{ file: fileName, line: record.line, message: record.error }],
        });
      }
      skipped.push({ line: record.line, email: '', reason: `malformed CSV: ${record.error}` });
      continue;
    }
    const { line, fields } = record;
    if (fields.every((f) => f.trim() === '')) continue; // blank line, or a spreadsheet's ",,,"
    if (!header) {
      header = { ...readHeader(fields, line, fileName), width: fields.length };
      continue;
    }
    const { columns, width } = header;
    const cell = (column: SubscriberCsvColumn) => {
      const index = columns[column];
      return index === undefined ? '' : (fields[index] ?? '').trim();
    };
    const email = cell('email');
    if (fields.slice(width).some((f) => f.trim() !== '')) {
      skipped.push({
        line,
        email,
        reason: `${fields.length} fields but the header has ${width} (is there an unquoted comma? put such a value in double quotes)`,
      });
      continue;
    }
    if (email === '') {
      skipped.push({ line, email, reason: 'no email address' });
      continue;
    }
    const address = parseEmailAddress(email);
    if (!address.ok) {
      skipped.push({ line, email, reason: `invalid address ${quoteAddress(email)}: ${address.reason}` });
      continue;
    }
    const statusText = cell('status').toLowerCase();
    if (statusText !== '' && !(SUBSCRIBER_STATUSES as readonly string[]).includes(statusText)) {
      skipped.push({
        line,
        email,
        reason: `unknown status ${JSON.stringify(cell('status'))} (expected ${SUBSCRIBER_STATUSES.join(', ')})`,
      });
      continue;
    }
    const timeText = cell('subscribed_at');
    const subscribedAt = timeText === '' ? undefined : parseConsentTime(timeText, opts.now);
    if (typeof subscribedAt === 'string') {
      skipped.push({ line, email, reason: subscribedAt });
      continue;
    }
    batch.push({
      line,
      email,
      input: {
        email,
        name: unescapeFormula(cell('name')),
        status: statusText === '' ? 'active' : (statusText as SubscriberStatus),
        subscribedAt,
        source: opts.source,
        at: opts.now,
      },
    });
    if (batch.length >= batchSize) flush();
  }
  if (!header) {
    throw new GazetteError(
      'USAGE',
      `${fileName} is empty: expected the header ${SUBSCRIBER_CSV_COLUMNS.join(',')} and one subscriber per line.`,
      { problems: [{ file: fileName, message: 'empty file' }] },
    );
  }
  flush();
  return { added, updated, unchanged, skipped, ignoredColumns: header.ignored };
}
