/** `gazette subscribers add|remove|list|import|export`: the operator's hands on the list. */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Config } from '../config/index.js';
import { GazetteError } from '../errors.js';
import type { SubscriberStatus } from '../model/index.js';
import { SUBSCRIBER_STATUSES } from '../model/index.js';
import { openStore, type Store } from '../state/index.js';
import { decodeCsvBytes, exportCsv, importCsv, subscriberToJson } from '../subscribers/index.js';
import type { CommandResult } from './command-result.js';
import { jsonArrayChunks, mapped } from './json-chunks.js';

function withStore<T>(config: Config, fn: (store: Store) => T, readonly = false): T {
  const store = openStore(config.paths.root, { readonly });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

export function addSubscriberCommand(config: Config, email: string, name: string | undefined, now = new Date()): CommandResult {
  return withStore(config, (store) => {
    const r = store.addSubscriber({ email, name: name ?? null, source: 'cli', at: now });
    const s = subscriberToJson(r.subscriber);
    const verb = { added: 'added', updated: 'updated', unchanged: 'already on the list', refused: 'not changed' }[r.outcome];
    const why = r.reason ? ` (${r.reason})` : '';
    return { exitCode: 0, text: `${s.email}: ${verb}, ${s.status}${why}`, json: { outcome: r.outcome, ...(r.reason ? { reason: r.reason } : {}), subscriber: s } };
  });
}

export function removeSubscriberCommand(config: Config, email: string, purge: boolean, now = new Date()): CommandResult {
  return withStore(config, (store) => {
    const s = store.removeSubscriber(email, { at: now, source: 'cli', purge });
    if (!s) throw new GazetteError('NOT_FOUND', `${email}: not on the list`);
    const text = purge ? `${s.email}: deleted with its history` : `${s.email}: unsubscribed (history kept)`;
    return { exitCode: 0, text, json: subscriberToJson(s) };
  });
}

function checkStatusOption(status: string | undefined): SubscriberStatus | undefined {
  if (status !== undefined && !SUBSCRIBER_STATUSES.includes(status as SubscriberStatus)) {
    throw new GazetteError('USAGE', `--status ${status}: expected one of ${SUBSCRIBER_STATUSES.join(', ')}`);
  }
  return status as SubscriberStatus | undefined;
}

export function listSubscribersCommand(config: Config, status: string | undefined): CommandResult {
  const only = checkStatusOption(status);
  return withStore(
    config,
    (store) => {
      const rows = [...store.iterateSubscribers(only ? { status: only } : {})].map(subscriberToJson);
      const counts = store.countByStatus();
      const lines = rows.map((s) => `${s.email}\t${s.name ?? ''}\t${s.status}\t${s.subscribed_at ?? ''}`);
      lines.push(`${counts.total} subscribers: ${counts.active} active, ${counts.pending} pending, ${counts.unsubscribed} unsubscribed, ${counts.bounced} bounced`);
      return { exitCode: 0, text: lines.join('\n'), json: rows };
    },
    true,
  );
}

export function importSubscribersCommand(config: Config, file: string, now = new Date()): CommandResult {
  const path = resolve(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new GazetteError('USAGE', `${file}: cannot read: ${(e as Error).message}`, { cause: e });
  }
  const text = decodeCsvBytes(bytes, file);
  return withStore(config, (store) => {
    const imported = importCsv(store, text, { source: `import:${basename(path)}`, now, fileName: file });
    // Malformed lines are found while parsing, refusals while merging: report them in file order.
    const r = { ...imported, skipped: [...imported.skipped].sort((a, b) => a.line - b.line) };
    const lines = r.skipped.map((s) => `${file}:${s.line}: skipped${s.email ? ` ${s.email}` : ''}: ${s.reason}`);
    if (r.ignoredColumns.length) lines.push(`ignored columns: ${r.ignoredColumns.join(', ')}`);
    lines.push(`${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged, ${r.skipped.length} skipped`);
    // Rows skipped are reported, not fatal: the rest of the file is imported (exit 0).
    return { exitCode: 0, text: lines.join('\n'), json: r };
  });
}

export function exportSubscribersCommand(config: Config, file: string | undefined): CommandResult & { csv: string } {
  const csv = withStore(config, (store) => exportCsv(store), true);
  if (file) writeFileSync(resolve(file), csv);
  return { exitCode: 0, text: file ? `exported to ${file}` : csv.replace(/\n$/, ''), json: { file: file ?? null }, csv };
}

/**
 * `gazette subscribers list --json` in pieces: the same text as `JSON.stringify(rows, null, 2)`
 * plus a newline, made while the rows are read, so 100,000 subscribers are never one string.
 */
export function* subscribersJsonChunks(config: Config, status: string | undefined): Generator<string, void, undefined> {
  const only = checkStatusOption(status);
  const store = openStore(config.paths.root, { readonly: true });
  try {
    yield* jsonArrayChunks(mapped(store.iterateSubscribers(only ? { status: only } : {}), subscriberToJson));
    yield '\n';
  } finally {
    store.close();
  }
}
