/**
 * Export subscribers as CSV (`gazette subscribers export`): the import header, every subscriber
 * in id order (all statuses: unsubscribed rows are the suppression list), RFC 4180 quoting, ISO
 * 8601 UTC times, LF line ends. Produced in chunks from a streaming read, so 100,000 subscribers
 * never sit in memory at once; `exportCsv` joins them for small lists and tests.
 */
import { stringify } from 'csv-stringify/sync';
import type { Subscriber } from '../model/subscriber.js';
import type { SubscriberStore } from '../state/store.js';
import { escapeFormula, SUBSCRIBER_CSV_COLUMNS } from './subscriber-csv.js';

function toRow(s: Subscriber): string[] {
  return [s.email, escapeFormula(s.name ?? ''), s.status, s.subscribedAt?.toISOString() ?? ''];
}

function toCsv(rows: readonly (readonly string[])[]): string {
  return stringify(rows as string[][], { record_delimiter: 'unix', quoted_match: /^\s|\s$/ });
}

export function* exportCsvChunks(
  store: Pick<SubscriberStore, 'iterateSubscribers'>,
  batchSize = 1000,
): Generator<string> {
  yield toCsv([[...SUBSCRIBER_CSV_COLUMNS]]);
  let rows: string[][] = [];
  for (const subscriber of store.iterateSubscribers({ batchSize })) {
    rows.push(toRow(subscriber));
    if (rows.length >= batchSize) {
      yield toCsv(rows);
      rows = [];
    }
  }
  if (rows.length > 0) yield toCsv(rows);
}

export function exportCsv(store: Pick<SubscriberStore, 'iterateSubscribers'>): string {
  return [...exportCsvChunks(store)].join('');
}
