// `gazette schedule` stopped by SIGTERM in the middle of a send, end to end: the compiled CLI,
// 200 subscribers, a real smtp-server that takes ~100 ms to accept each message. The stop must
// finish the messages in flight, record them, exit 0, and leave a ledger that `gazette resume`
// completes with nobody getting the digest twice.
import { afterEach, describe, expect, it } from 'vitest';
import {
  article,
  cleanUpAfterTest,
  copiesPerRecipient,
  deliveries,
  isDigestRun,
  runGazette,
  sends,
  smtpEnv,
  startGazette,
  startSink,
  testSite,
  waitFor,
  type RunEvent,
} from './schedule-harness.js';

afterEach(cleanUpAfterTest);

describe('gazette schedule stopped during a send', () => {
  it('SIGTERM after ~20 messages: exit 0, a consistent ledger, and resume completes it without duplicates', async () => {
    const smtp = await startSink({ acceptDelayMs: 100 });
    const s = await testSite({
      schedule: { digest: '*/2 * * * * *' },
      subscribers: 200,
      files: { 'content/news.md': article('Storm warning for the coast') },
    });
    const env = smtpEnv(smtp);

    const p = startGazette(['--root', s.root, '--json', 'schedule'], env);
    await waitFor('20 accepted messages', () => smtp.accepted.length >= 20, 25_000, () => `stdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`);
    const atSignal = smtp.accepted.length;
    p.child.kill('SIGTERM');
    const exit = await p.waitForExit(20_000);
    expect(exit, p.stderr()).toEqual({ code: 0, signal: null });

    // The log: stopping with the digest run in flight, that run's line, then stopped (drained).
    const events = p.events();
    const stopping = events.find((e) => e.event === 'stopping');
    expect(stopping).toMatchObject({ inFlight: { kind: 'digest' } });
    const run = events.find(isDigestRun) as RunEvent | undefined;
    expect(run).toBeDefined();
    expect(run!.digestId).not.toBeNull();
    expect(run!.recipients).toBe(200);
    expect(run!.completed).toBe(false);
    expect(run!.sent).toBe(smtp.accepted.length);
    expect(run!.pending).toBe(200 - run!.sent - run!.failed);
    expect(events.at(-1)).toMatchObject({ event: 'stopped', drained: true });
    // Stopped promptly: no new recipient was claimed after the signal, only those in flight finished.
    expect(smtp.accepted.length).toBeLessThan(atSignal + 30);
    expect(smtp.accepted.length).toBeLessThan(200);
    const id = run!.digestId!;

    // The ledger agrees with the server: every recipient marked sent got exactly that message,
    // every message the server accepted is marked sent, nothing is left uncertain.
    const [summary] = await sends(s.root);
    expect(summary).toMatchObject({ id, recipients: 200, sent: smtp.accepted.length, failed: 0, uncertain: 0 });
    expect(summary!.sent + summary!.failed + summary!.pending + summary!.uncertain).toBe(summary!.recipients);
    const detail = await deliveries(s.root, id);
    const sentRows = detail.deliveries.filter((d) => d.status === 'sent');
    expect(sentRows.map((d) => d.email).sort()).toEqual(smtp.acceptedRecipients().sort());
    const acceptedIds = new Map(smtp.accepted.map((m) => [m.to[0], /^Message-ID:\s*(<[^>]+>)/im.exec(m.raw.toString('latin1'))?.[1]]));
    for (const row of sentRows) expect(row.message_id).toBe(acceptedIds.get(row.email));
    expect(detail.deliveries.filter((d) => d.status !== 'sent').every((d) => d.status === 'pending')).toBe(true);

    // Resume sends the rest: every subscriber exactly one copy overall.
    const resumed = await runGazette(['--root', s.root, 'resume', id], env, 60_000);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(copiesPerRecipient(smtp.accepted)).toEqual(new Map(s.emails.map((e) => [e, 1])));
    const [after] = await sends(s.root);
    expect(after).toMatchObject({ id, recipients: 200, sent: 200, failed: 0, pending: 0, uncertain: 0, status: 'finished' });
  }, 90_000);

  it('a send stopped by SIGTERM is finished by the catch-up run when the scheduler starts again', async () => {
    const smtp = await startSink({ acceptDelayMs: 200 });
    const s = await testSite({ schedule: { digest: '*/2 * * * * *' }, subscribers: 100, files: { 'content/news.md': article('Ferry cancelled') } });
    const env = smtpEnv(smtp);

    const first = startGazette(['--root', s.root, '--json', 'schedule'], env);
    await waitFor('10 accepted messages', () => smtp.accepted.length >= 10, 25_000, () => first.stdout() + first.stderr());
    first.child.kill('SIGTERM');
    expect(await first.waitForExit(20_000)).toEqual({ code: 0, signal: null });
    const stoppedRun = first.events().find(isDigestRun) as RunEvent;
    expect(stoppedRun).toMatchObject({ completed: false, recipients: 100 });
    expect(stoppedRun.pending).toBeGreaterThan(0);
    const id = stoppedRun.digestId!;

    // Restarted (a deploy, a reboot): the slot it did not complete is caught up at once, and that
    // run continues the stopped send instead of leaving it to a manual `gazette resume`.
    const second = startGazette(['--root', s.root, '--json', 'schedule'], env);
    const started = await second.waitForEvent('the started line', (e) => e.event === 'started', 15_000);
    expect(started.catchUp).toEqual(expect.any(String));
    const catchUp = (await second.waitForEvent('the catch-up run', (e) => isDigestRun(e) && e.catchUp, 25_000)) as RunEvent;
    expect(catchUp).toMatchObject({ completed: true, failed: 0, pending: 0, sent: stoppedRun.pending, digestId: null });
    expect(catchUp.resumed).toEqual([{ id, sent: stoppedRun.pending, failed: 0, pending: 0 }]);
    expect(second.stderr()).toContain(`continuing digest ${id}, which did not finish`);
    second.child.kill('SIGTERM');
    expect(await second.waitForExit(20_000)).toEqual({ code: 0, signal: null });

    expect(copiesPerRecipient(smtp.accepted)).toEqual(new Map(s.emails.map((e) => [e, 1])));
    expect(await sends(s.root)).toEqual([expect.objectContaining({ id, recipients: 100, sent: 100, pending: 0, uncertain: 0, status: 'finished' })]);
  }, 90_000);

  it('a second SIGTERM exits at once (143); what was in flight is reported uncertain and never resent', async () => {
    // A slow server (1 s per message) keeps messages in flight when the second signal comes.
    const smtp = await startSink({ acceptDelayMs: 1_000 });
    const s = await testSite({ schedule: { digest: '*/2 * * * * *' }, subscribers: 20, files: { 'content/news.md': article('Pier closed for repairs') } });
    const env = smtpEnv(smtp);

    const p = startGazette(['--root', s.root, '--json', 'schedule'], env);
    await waitFor('5 accepted messages', () => smtp.accepted.length >= 5, 25_000, () => p.stdout() + p.stderr());
    p.child.kill('SIGTERM');
    await p.waitForEvent('the stopping line', (e) => e.event === 'stopping', 5_000);
    const t0 = Date.now();
    p.child.kill('SIGTERM');
    const exit = await p.waitForExit(10_000);
    expect(exit).toEqual({ code: 143, signal: null });
    expect(Date.now() - t0).toBeLessThan(2_000); // not the 20 s drain
    expect(p.events().some((e) => e.event === 'stopped')).toBe(false);

    const [summary] = await sends(s.root);
    expect(summary!.sent + summary!.failed + summary!.pending + summary!.uncertain).toBe(20);
    const detail = await deliveries(s.root, summary!.id);
    const uncertain = new Set(detail.deliveries.filter((d) => d.status === 'uncertain').map((d) => d.email));
    expect(uncertain.size).toBe(summary!.uncertain);
    expect(uncertain.size).toBeGreaterThan(0);

    // The dead process's lock does not block the resume; the uncertain recipients are left alone.
    const resumed = await runGazette(['--root', s.root, '--json', 'resume', summary!.id], env, 60_000);
    expect(resumed.code, resumed.stderr).toBe(0);
    await waitFor('the server to settle', () => smtp.accepted.length >= 20 - uncertain.size, 5_000);
    const copies = copiesPerRecipient(smtp.accepted);
    for (const email of s.emails) {
      if (uncertain.has(email)) expect(copies.get(email) ?? 0).toBeLessThanOrEqual(1);
      else expect([email, copies.get(email)]).toEqual([email, 1]);
    }
    const [after] = await sends(s.root);
    expect(after).toMatchObject({ pending: 0, uncertain: uncertain.size, sent: 20 - uncertain.size });
  }, 60_000);
});
