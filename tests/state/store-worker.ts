/**
 * A separate Gazette-like process for the concurrency tests, run with `node --import jiti/register`.
 *   claim ROOT DIGEST BATCH  — print "ready", wait for stdin, then claim and mark sent until nothing
 *                              is left; print the claimed ids as JSON
 *   lock ROOT NAME           — take the lock, print "held", then stay alive until killed
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { thisProcessLockOwner } from '../../src/state/lock-store.js';
import { openStore } from '../../src/state/open-store.js';

const [mode, root, arg, batch] = process.argv.slice(2);
const store = openStore(root!);

if (mode === 'claim') {
  // Start together: print "ready", wait for a line on stdin, so the workers really race.
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.pause();
  const claimed: number[] = [];
  for (;;) {
    const rows = store.claimNext(arg!, Number(batch), { now: new Date() });
    if (rows.length === 0) break;
    for (const row of rows) claimed.push(row.subscriberId);
    await sleep(2); // the SMTP conversation, during which other senders claim
    store.markSentMany(
      arg!,
      rows.map((r) => ({ subscriberId: r.subscriberId, messageId: `<${arg}.${r.subscriberId}.${process.pid}@test>`, at: new Date() })),
    );
  }
  store.close();
  process.stdout.write(`${JSON.stringify(claimed)}\n`);
} else if (mode === 'lock') {
  if (!store.acquireLock(arg!, thisProcessLockOwner(), 60_000)) {
    process.stdout.write('busy\n');
    process.exit(1);
  }
  process.stdout.write('held\n');
  setInterval(() => {}, 1_000);
} else {
  throw new Error(`unknown mode ${mode}`);
}
