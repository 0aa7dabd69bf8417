/**
 * A sender killed with SIGKILL in the middle of a send, then resumed: every subscriber gets the
 * digest exactly once, except those the ledger reports as uncertain — and those are at most the
 * messages that were in flight (claimed, not yet accepted) plus the accepted ones whose `sent`
 * write was still buffered. Nobody is skipped, nobody gets it twice.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../src/mail/smtp-transport.js';
import { FLUSH_MAX_ROWS, runSend } from '../../src/send/run-send.js';
import { startSmtpSink } from '../mail/smtp-sink.js';
import { acceptedCounts, makeMessageFor, sendSite } from './send-fixture.js';

const require = createRequire(import.meta.url);
const jitiCli = require.resolve('jiti/package.json').replace(/package\.json$/, 'lib/jiti-cli.mjs');
const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('crash and resume', () => {
  it('SIGKILL mid-send, then resume: exactly once for all but the reported uncertain, who are at most the in-flight ones', async () => {
    const COUNT = 60;
    const CONCURRENCY = 4;
    const site = await sendSite(COUNT);
    cleanups.push(() => site.cleanup());
    const sink = await startSmtpSink({ acceptDelayMs: 25 });
    cleanups.push(() => sink.close());

    const proc = spawn(process.execPath, [jitiCli, child, JSON.stringify({ root: site.root, digestId: site.digestId, port: sink.port, concurrency: CONCURRENCY })], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.on('exit', (code, signal) => resolve(signal ?? code)));

    // Kill it once a good part of the list has been accepted, while messages are in flight.
    const killed = await new Promise<boolean>((resolve) => {
      const timer = setInterval(() => {
        if (sink.accepted.length >= 20) {
          clearInterval(timer);
          proc.kill('SIGKILL');
          resolve(true);
        }
      }, 2);
      void exited.then(() => {
        clearInterval(timer);
        resolve(false);
      });
    });
    expect(killed, `the child finished or died before it could be killed:\n${stderr}`).toBe(true);
    expect(await exited).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 100)); // let the server finish with the cut sessions

    const acceptedBefore = acceptedCounts(sink.accepted);
    const rows = site.store.listDeliveries(site.digestId);
    const uncertain = rows.filter((r) => r.status === 'sending');
    // The ledger never ran ahead of the server, and never behind by more than the in-flight bound.
    for (const r of rows) {
      const n = acceptedBefore.get(r.email) ?? 0;
      if (r.status === 'sent') expect(n, r.email).toBe(1);
      if (r.status === 'pending') expect(n, r.email).toBe(0);
      expect(n, r.email).toBeLessThanOrEqual(1);
    }
    const inFlightAtCrash = uncertain.filter((r) => !acceptedBefore.has(r.email));
    const acceptedUnrecorded = uncertain.filter((r) => acceptedBefore.has(r.email));
    expect(inFlightAtCrash.length).toBeLessThanOrEqual(CONCURRENCY);
    expect(acceptedUnrecorded.length).toBeLessThanOrEqual(FLUSH_MAX_ROWS);
    expect(rows.filter((r) => r.status === 'pending').length).toBeGreaterThan(0);

    // Resume in this process: the uncertain rows are reported, not resent.
    const transport = createSmtpTransport({
      host: sink.host, port: sink.port, secure: false, requireTLS: false, rejectUnauthorized: true, pool: true, maxConnections: 2, rateLimit: 0,
    });
    cleanups.push(() => transport.close());
    const report = await runSend({
      digestId: site.digestId,
      ledger: site.store,
      transport,
      makeMessage: makeMessageFor(site.digestId),
      policy: { attempts: 3, baseDelayMs: 20, maxDelayMs: 200, maxConsecutiveFailures: 20, concurrency: 4 },
    });
    expect(report).toMatchObject({ recipients: COUNT, pending: 0, failed: 0, uncertain: uncertain.length });
    expect(report.sent).toBe(COUNT - uncertain.length);

    const counts = acceptedCounts(sink.accepted);
    const uncertainEmails = new Set(uncertain.map((r) => r.email));
    for (const email of site.emails) {
      if (uncertainEmails.has(email)) expect(counts.get(email) ?? 0, email).toBeLessThanOrEqual(1);
      else expect(counts.get(email), email).toBe(1);
    }
  });
});
