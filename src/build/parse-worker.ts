/**
 * Worker thread entry: runs batches of parse tasks for the parse pool. It reads the article files
 * itself (the main thread sends paths, not bytes) and sends back plain results, transferring the
 * rendered pages' buffers. It holds nothing between batches but the compiled templates.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createParseContext, runParseTask, type ParseResult, type ParseSetup, type ParseTask } from './parse-task.js';

export interface WorkerRequest {
  readonly batch: number;
  readonly tasks: readonly ParseTask[];
}

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly batch: number; readonly results: readonly ParseResult[] }
  | { readonly type: 'failed'; readonly batch: number; readonly message: string };

const port = parentPort;
if (port) {
  const ctx = createParseContext(workerData as ParseSetup);
  port.on('message', (request: WorkerRequest) => {
    let reply: WorkerReply;
    const transfer: ArrayBuffer[] = [];
    try {
      const results = request.tasks.map((task) => runParseTask(task, ctx));
      for (const r of results) {
        // Transfer a page's buffer only when the page owns all of it (and only once).
        const bytes = r.kind === 'parsed' && r.page && 'bytes' in r.page ? r.page.bytes : undefined;
        if (!bytes || bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) continue;
        if (bytes.buffer instanceof ArrayBuffer && !transfer.includes(bytes.buffer)) transfer.push(bytes.buffer);
      }
      reply = { type: 'done', batch: request.batch, results };
    } catch (e) {
      reply = { type: 'failed', batch: request.batch, message: (e as Error)?.stack ?? String(e) };
      transfer.length = 0;
    }
    port.postMessage(reply, transfer);
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}
