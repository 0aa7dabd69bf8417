/**
 * `gazette sends [ID]`: send history, and one send's per-recipient rows. With `--json` and an id,
 * the rows are streamed (`sendDetailJsonChunks`): a send to 100,000 recipients must
 * not be held in memory as one array and one string.
 */
import type { Config } from '../config/index.js';
import { GazetteError } from '../errors.js';
import type { Delivery } from '../model/index.js';
import { openStore } from '../state/index.js';
import type { CommandResult } from './command-result.js';
import { jsonArrayChunks, mapped } from './json-chunks.js';

/** A row still `sending` when nobody is sending is uncertain: it may or may not have arrived. */
function shownStatus(d: Delivery): string {
  return d.status === 'sending' ? 'uncertain' : d.status;
}

function deliveryJson(d: Delivery): Record<string, unknown> {
  return {
    email: d.email,
    name: d.name,
    status: shownStatus(d),
    attempts: d.attempts,
    last_error: d.lastError,
    last_attempt_at: d.lastAttemptAt?.toISOString() ?? null,
    sent_at: d.sentAt?.toISOString() ?? null,
    message_id: d.messageId,
    permanent: d.permanent,
  };
}

/**
 * The history, or one send's rows as text. With an id, `--json` never comes here (the CLI streams
 * `sendDetailJsonChunks`), so the rows are not turned into JSON: `json` is the summary only.
 */
export function sendsCommand(config: Config, id: string | undefined): CommandResult {
  const store = openStore(config.paths.root, { readonly: true });
  try {
    if (!id) {
      const all = store.sendSummaries();
      const lines = all.map(
        (s) => `${s.id}  ${s.created_at}  ${s.status.padEnd(8)}  ${s.articles} articles  ${s.recipients} recipients: ${s.sent} sent, ${s.failed} failed, ${s.pending} pending, ${s.uncertain} uncertain`,
      );
      return { exitCode: 0, text: lines.length ? lines.join('\n') : 'no digests yet', json: all };
    }
    const summary = store.sendSummary(id);
    if (!summary) throw new GazetteError('NOT_FOUND', `no digest "${id}": \`gazette sends\` lists them`);
    const lines: string[] = [];
    for (const d of store.iterateDeliveries(id)) lines.push(`${shownStatus(d).padEnd(9)} ${d.email}${d.lastError ? `  (${d.lastError})` : ''}`);
    lines.push(`${summary.id}: ${summary.recipients} recipients, ${summary.sent} sent, ${summary.failed} failed, ${summary.pending} pending, ${summary.uncertain} uncertain (${summary.status})`);
    return { exitCode: 0, text: lines.join('\n'), json: summary };
  } finally {
    store.close();
  }
}

/**
 * `gazette sends ID --json` in pieces: the same text as `JSON.stringify({ ...summary, deliveries },
 * null, 2)` plus a newline, made row by row while the rows are read from the store.
 */
export function* sendDetailJsonChunks(config: Config, id: string): Generator<string, void, undefined> {
  const store = openStore(config.paths.root, { readonly: true });
  try {
    const summary = store.sendSummary(id);
    if (!summary) throw new GazetteError('NOT_FOUND', `no digest "${id}": \`gazette sends\` lists them`);
    const head = JSON.stringify(summary, null, 2);
    yield `${head.slice(0, head.lastIndexOf('\n}'))},\n  "deliveries": `;
    yield* jsonArrayChunks(mapped(store.iterateDeliveries(id), deliveryJson), 1);
    yield '\n}\n';
  } finally {
    store.close();
  }
}
