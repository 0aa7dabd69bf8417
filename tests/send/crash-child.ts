/**
 * A sender in its own process, for the crash test: runs one send of an existing digest against an
 * SMTP server and reports progress as JSON lines on stdout, so the test can SIGKILL it mid-send.
 * Run with jiti (TypeScript, no build step):
 *   node node_modules/jiti/lib/jiti-cli.mjs tests/send/crash-child.ts '{"root":…,"digestId":…,"port":…,"concurrency":…}'
 * Once `gazette publish` / `gazette resume` exist, the crash test can spawn the CLI instead.
 */
import { createSmtpTransport } from '../../src/mail/smtp-transport.js';
import { runSend } from '../../src/send/run-send.js';
import { openStore } from '../../src/state/index.js';
import { makeMessageFor } from './send-fixture.js';

interface ChildArgs {
  readonly root: string;
  readonly digestId: string;
  readonly port: number;
  readonly concurrency: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const store = openStore(args.root);
const transport = createSmtpTransport({
  host: '127.0.0.1', port: args.port, secure: false, requireTLS: false, rejectUnauthorized: true,
  pool: true, maxConnections: Math.max(1, Math.floor(args.concurrency / 2)), rateLimit: 0,
});
const report = await runSend({
  digestId: args.digestId,
  ledger: store,
  transport,
  makeMessage: makeMessageFor(args.digestId),
  policy: { attempts: 3, baseDelayMs: 20, maxDelayMs: 200, maxConsecutiveFailures: 20, concurrency: args.concurrency },
  onProgress: (p) => process.stdout.write(`${JSON.stringify({ progress: p })}\n`),
});
process.stdout.write(`${JSON.stringify({ report })}\n`);
await transport.close();
store.close();
