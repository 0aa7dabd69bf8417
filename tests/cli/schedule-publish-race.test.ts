// `gazette schedule` and a manual `gazette publish` started together on one site: they share the
// site's inter-process send lock, so whichever gets it sends the digest and the other either
// skips (schedule: a `skipped` line naming the holder's pid) or refuses (publish: exit 1, naming
// the holder). One digest, each subscriber exactly one message.
import { afterEach, describe, expect, it } from 'vitest';
import {
  article,
  cleanUpAfterTest,
  copiesPerRecipient,
  isDigestRun,
  sends,
  smtpEnv,
  startGazette,
  startSink,
  testSite,
  waitFor,
  type LogEvent,
  type RunEvent,
} from './schedule-harness.js';

afterEach(cleanUpAfterTest);

describe('gazette schedule and gazette publish at once', () => {
  it('make one digest between them, and each subscriber gets exactly one message', async () => {
    // Slow acceptance keeps the first sender busy across several ticks of the other.
    const smtp = await startSink({ acceptDelayMs: 40 });
    const s = await testSite({
      schedule: { digest: '* * * * * *' },
      subscribers: 60,
      files: { 'content/one.md': article('Ferry timetable changes'), 'content/two.md': article('Bridge reopens', 90_000) },
    });
    const env = smtpEnv(smtp);

    const schedule = startGazette(['--root', s.root, '--json', 'schedule'], env);
    const publish = startGazette(['--root', s.root, '--json', 'publish'], env);
    const published = await publish.waitForExit(30_000);

    // Let the scheduler tick until it has either sent the digest or seen that there is nothing new.
    await schedule.waitForEvent('a digest run by the scheduler', (e) => isDigestRun(e) && (e.digestId !== null || published.code === 0), 30_000);
    await waitFor('every subscriber served', () => smtp.accepted.length >= 60, 20_000);
    schedule.child.kill('SIGTERM');
    expect(await schedule.waitForExit(20_000)).toEqual({ code: 0, signal: null });

    const history = await sends(s.root);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ articles: 2, recipients: 60, sent: 60, failed: 0, pending: 0, uncertain: 0, status: 'finished' });
    expect(copiesPerRecipient(smtp.accepted)).toEqual(new Map(s.emails.map((e) => [e, 1])));

    const events = schedule.events();
    const digestRuns = events.filter(isDigestRun) as RunEvent[];
    const sentBySchedule = digestRuns.filter((r) => r.digestId !== null);
    const report = published.code === 0 ? (JSON.parse(publish.stdout()) as { digest: { id: string; send: { sent: number } } | null }) : null;
    if (report?.digest) {
      // publish won the lock: it made the digest, the scheduler made none.
      expect(report.digest.id).toBe(history[0]!.id);
      expect(report.digest.send.sent).toBe(60);
      expect(sentBySchedule).toEqual([]);
    } else {
      // The scheduler won: publish either refused, naming the scheduler's pid, and did nothing,
      // or (started late on a busy machine) came after the digest and found nothing new.
      if (published.code !== 0) {
        expect(published.code).toBe(1);
        expect(publish.stderr()).toContain(`pid ${schedule.pid}`);
      }
      expect(sentBySchedule.map((r) => r.digestId)).toEqual([history[0]!.id]);
    }
    // Every tick the scheduler skipped for the lock names the publishing process.
    const locked = events.filter((e) => e.event === 'skipped' && e.reason === 'locked');
    for (const e of locked) expect(e.message).toContain(`pid ${publish.pid}`);
  }, 90_000);

  it('a publish started while the scheduler sends refuses, naming the scheduler, and changes nothing', async () => {
    // ~2.5 s of sending (100 messages, 250 ms each, 10 at a time): time enough to start publish.
    const smtp = await startSink({ acceptDelayMs: 250 });
    const s = await testSite({ schedule: { digest: '*/2 * * * * *' }, subscribers: 100, files: { 'content/one.md': article('Harbour crane arrives') } });
    const env = smtpEnv(smtp);

    const schedule = startGazette(['--root', s.root, '--json', 'schedule'], env);
    await waitFor('the scheduler sending', () => smtp.accepted.length >= 1, 25_000, () => schedule.stdout() + schedule.stderr());
    const publish = startGazette(['--root', s.root, 'publish'], env);
    const published = await publish.waitForExit(20_000);
    expect(published.code, publish.stdout() + publish.stderr()).toBe(1);
    expect(publish.stderr()).toMatch(new RegExp(`another gazette process \\(pid ${schedule.pid} on [^)]+\\) is publishing this site; nothing was done`));
    expect(smtp.accepted.length).toBeLessThan(100); // it refused while the send was still going

    const run = (await schedule.waitForEvent('the scheduler\'s digest', (e) => isDigestRun(e) && e.digestId !== null, 25_000)) as RunEvent;
    expect(run).toMatchObject({ recipients: 100, sent: 100, failed: 0, pending: 0, completed: true });
    schedule.child.kill('SIGTERM');
    expect(await schedule.waitForExit(20_000)).toEqual({ code: 0, signal: null });
    expect(copiesPerRecipient(smtp.accepted)).toEqual(new Map(s.emails.map((e) => [e, 1])));
    const history = await sends(s.root);
    expect(history.map((d) => d.id)).toEqual([run.digestId]);
  }, 90_000);

  it('two schedulers on one site: one digest per new article, each subscriber once', async () => {
    const smtp = await startSink({ acceptDelayMs: 20 });
    const s = await testSite({ schedule: { digest: '* * * * * *' }, subscribers: 30, files: { 'content/one.md': article('Lock keeper') } });
    const env = smtpEnv(smtp);

    const a = startGazette(['--root', s.root, '--json', 'schedule'], env);
    const b = startGazette(['--root', s.root, '--json', 'schedule'], env);
    const madeDigest = (e: LogEvent): boolean => isDigestRun(e) && e.digestId !== null;
    await waitFor('one digest sent', () => a.events().some(madeDigest) || b.events().some(madeDigest), 25_000, () => a.stdout() + b.stdout());
    s.write('content/two.md', article('Second lock keeper', 10_000));
    await waitFor('a second digest sent', () => [...a.events(), ...b.events()].filter(madeDigest).length >= 2, 25_000, () => a.stdout() + b.stdout());
    // Both have ticked since, and neither sent anything more.
    await waitFor('an empty run in each', () => [a, b].every((p) => p.events().filter((e) => isDigestRun(e) && e.digestId === null).length >= 1), 15_000);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.waitForExit(20_000)).toEqual({ code: 0, signal: null });
    expect(await b.waitForExit(20_000)).toEqual({ code: 0, signal: null });

    expect(copiesPerRecipient(smtp.accepted)).toEqual(new Map(s.emails.map((e) => [e, 2])));
    const history = await sends(s.root);
    expect(history).toHaveLength(2);
    for (const d of history) expect(d).toMatchObject({ articles: 1, recipients: 30, sent: 30, pending: 0, uncertain: 0, status: 'finished' });
    // Whenever one skipped for the lock, the line names the other.
    for (const [self, other] of [[a, b], [b, a]] as const) {
      for (const e of self.events().filter((x) => x.event === 'skipped' && x.reason === 'locked')) expect(e.message).toContain(`pid ${other.pid}`);
    }
  }, 90_000);
});
