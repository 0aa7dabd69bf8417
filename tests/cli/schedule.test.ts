// `gazette schedule` end to end: the compiled CLI as a child process, a node-cron schedule in
// seconds, a real smtp-server answering in this process. What is checked is what an operator and
// the subscribers see: the run log on stdout, the messages the server accepted, `gazette sends`.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  article,
  cleanUpAfterTest,
  copiesPerRecipient,
  isDigestRun,
  readMessages,
  runGazette,
  sends,
  smtpEnv,
  startGazette,
  startSink,
  testSite,
  waitFor,
  type RunEvent,
} from './schedule-harness.js';

const EVERY_2_S = '*/2 * * * * *';
const EVERY_S = '* * * * * *';

afterEach(cleanUpAfterTest);

describe('gazette schedule, digest every second or two', () => {
  it('sends the first digest once, sends nothing while nothing is new, and mails a new article at the next tick', async () => {
    const smtp = await startSink();
    const s = await testSite({
      schedule: { digest: EVERY_S },
      subscribers: 3,
      files: { 'content/first.md': article('First light over the harbour'), 'content/second.md': article('Second story', 7_200_000) },
    });
    const p = startGazette(['--root', s.root, '--json', 'schedule'], smtpEnv(smtp));

    // Start: the next run times, nothing caught up on a site that was never scheduled.
    const started = await p.waitForEvent('the started line', (e) => e.event === 'started', 15_000);
    expect(started).toMatchObject({ timezone: 'UTC', build: null, catchUp: null, digest: { expression: EVERY_S } });
    const next = Date.parse((started.digest as { nextRun: string }).nextRun);
    expect(next).toBeGreaterThan(Date.parse(started.at as string));
    expect(next - Date.parse(started.at as string)).toBeLessThanOrEqual(1_000);
    expect(next % 1000).toBe(0);

    // 1. The first tick makes and sends the digest: every subscriber exactly once.
    const first = (await p.waitForEvent('the first digest', (e) => isDigestRun(e) && e.digestId !== null, 20_000)) as RunEvent;
    expect(first).toMatchObject({ kind: 'digest', catchUp: false, articles: 2, recipients: 3, sent: 3, failed: 0, pending: 0, completed: true });
    expect(Date.parse(first.slot) % 1000).toBe(0);
    expect(Date.parse(first.nextRun!)).toBeGreaterThan(Date.parse(first.slot));
    expect(first.durationMs).toBeGreaterThanOrEqual(0);
    expect(Object.fromEntries(copiesPerRecipient(smtp.accepted))).toEqual(Object.fromEntries(s.emails.map((e) => [e, 1])));
    const firstMail = await readMessages(smtp.accepted);
    for (const m of firstMail) {
      expect(m.text).toContain('First light over the harbour');
      expect(m.text).toContain('Second story');
    }

    // 2. Ticks with nothing new: a run line each, no digest, no message.
    const afterFirst = p.events().findIndex((e) => isDigestRun(e) && e.digestId === first.digestId);
    await waitFor('two empty digest runs', () => p.events().slice(afterFirst + 1).filter((e) => isDigestRun(e) && e.digestId === null).length >= 2, 15_000);
    const empty = p.events().slice(afterFirst + 1).filter(isDigestRun);
    for (const run of empty) expect(run).toMatchObject({ digestId: null, recipients: 0, sent: 0, failed: 0, completed: true });
    expect(smtp.accepted).toHaveLength(3);

    // 3. A new article written between ticks goes out at the next tick, to each subscriber once.
    s.write('content/third.md', article('Third: the tide turns', 60_000));
    const second = (await p.waitForEvent('the second digest', (e) => isDigestRun(e) && e.digestId !== null && e.digestId !== first.digestId, 20_000)) as RunEvent;
    expect(second).toMatchObject({ articles: 1, recipients: 3, sent: 3, failed: 0, pending: 0 });
    await waitFor('six messages', () => smtp.accepted.length >= 6, 5_000);
    expect(Object.fromEntries(copiesPerRecipient(smtp.accepted))).toEqual(Object.fromEntries(s.emails.map((e) => [e, 2])));
    const secondMail = (await readMessages(smtp.accepted)).slice(3);
    for (const m of secondMail) {
      expect(m.text).toContain('Third: the tide turns');
      expect(m.text).not.toContain('First light over the harbour');
    }

    p.child.kill('SIGTERM');
    const exit = await p.waitForExit(20_000);
    expect(exit).toEqual({ code: 0, signal: null });
    const stopped = p.events().at(-1);
    expect(stopped).toMatchObject({ event: 'stopped', drained: true, failed: 0 });
    expect(smtp.accepted).toHaveLength(6);
    // A tick that came while a run was going was skipped with a line saying so, never run alongside.
    for (const e of p.events().filter((x) => x.event === 'skipped')) {
      expect(e).toMatchObject({ kind: 'digest', reason: 'busy', message: expect.stringMatching(/^previous run still going \(digest for slot /) });
    }
    // --json: stdout is JSON Lines and nothing else; nothing went wrong, so stderr says nothing.
    expect(p.lines.filter((l) => l !== '').map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(p.events().map((e) => e.event));
    expect(p.stderr()).toBe('');

    const history = await sends(s.root);
    expect(history.map((d) => d.id).sort()).toEqual([first.digestId, second.digestId].sort());
    for (const d of history) expect(d).toMatchObject({ recipients: 3, sent: 3, failed: 0, pending: 0, uncertain: 0, status: 'finished' });
  }, 60_000);

  it('reports a run whose content or config became invalid, keeps going, and recovers once fixed', async () => {
    const smtp = await startSink();
    const s = await testSite({ schedule: { digest: EVERY_S }, subscribers: 2, files: { 'content/a.md': article('Alpha') } });
    const p = startGazette(['--root', s.root, '--json', 'schedule'], smtpEnv(smtp));
    const first = (await p.waitForEvent('the first digest', (e) => isDigestRun(e) && e.digestId !== null, 20_000)) as RunEvent;
    expect(first.sent).toBe(2);

    // A broken article: the run fails naming the file and line, nothing is sent.
    s.write('content/broken.md', '---\ntitle: Broken\ndate: the day after tomorrow\n---\nText.\n');
    const broken = await p.waitForEvent('a failed run for the article', (e) => e.event === 'failed' && e.code === 'CONTENT', 15_000);
    expect(broken.problems as string[]).toEqual([expect.stringMatching(/broken\.md:3\b/)]);
    rmSync(join(s.root, 'content/broken.md'));

    // An operator's typo: a key with the wrong type. The next tick fails with a line naming it.
    s.write('gazette.config.json', JSON.stringify(s.config({ digest: { maxArticles: 'ten' } }), null, 2));
    s.write('content/b.md', article('Bravo', 30_000));
    const failed = await p.waitForEvent('a failed run for the config', (e) => e.event === 'failed' && e.code === 'CONFIG', 15_000);
    expect(failed).toMatchObject({ kind: 'digest', code: 'CONFIG' });
    expect(String(failed.error)).toContain('gazette.config.json');
    expect(failed.problems as string[]).toEqual([expect.stringContaining('digest.maxArticles')]);
    expect(failed.nextRun).toEqual(expect.any(String));
    expect(smtp.accepted).toHaveLength(2);

    // Still running: it keeps ticking (and failing) until the config is fixed.
    const failedIndex = p.events().findIndex((e) => e.event === 'failed' && e.code === 'CONFIG');
    await waitFor('another tick', () => p.events().length > failedIndex + 1, 10_000);
    expect(p.child.exitCode).toBeNull();

    s.write('gazette.config.json', JSON.stringify(s.config(), null, 2));
    const recovered = (await p.waitForEvent('the digest after the fix', (e) => isDigestRun(e) && e.digestId !== null && e.digestId !== first.digestId, 20_000)) as RunEvent;
    expect(recovered).toMatchObject({ articles: 1, recipients: 2, sent: 2, failed: 0 });
    await waitFor('four messages', () => smtp.accepted.length >= 4, 5_000);
    const mail = (await readMessages(smtp.accepted)).slice(2);
    for (const m of mail) expect(m.text).toContain('Bravo');

    p.child.kill('SIGTERM');
    expect(await p.waitForExit(20_000)).toEqual({ code: 0, signal: null });
    const stopped = p.events().at(-1)!;
    expect(stopped.event).toBe('stopped');
    expect(stopped.failed as number).toBeGreaterThanOrEqual(2);
    expect(copiesPerRecipient(smtp.accepted)).toEqual(new Map(s.emails.map((e) => [e, 2])));
  }, 60_000);

  it('without --json: readable lines, in the schedule\'s zone; SIGINT stops it with exit 0', async () => {
    const smtp = await startSink();
    const s = await testSite({ schedule: { digest: EVERY_2_S, timezone: 'Asia/Kolkata' }, subscribers: 2, files: { 'content/a.md': article('Monsoon arrives early') } });
    const p = startGazette(['--root', s.root, 'schedule'], smtpEnv(smtp));
    const time = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+05:30`;
    await waitFor('the run line', () => p.lines.some((l) => /: digest \d{8}-/.test(l)), 20_000, () => p.stdout() + p.stderr());
    expect(p.lines[0]).toMatch(new RegExp(`^${time} schedule started \\(Asia/Kolkata\\): build not scheduled; digest "\\*/2 \\* \\* \\* \\* \\*" next ${time}$`));
    const run = p.lines.find((l) => /: digest \d{8}-/.test(l))!;
    expect(run).toMatch(
      new RegExp(`^${time} digest \\(slot ${time}\\): digest \\d{8}-\\d{6}: 1 article, 2 recipients, 2 sent, 0 failed in \\d+\\.\\d\\d s; next run ${time}$`),
    );
    p.child.kill('SIGINT');
    expect(await p.waitForExit(20_000)).toEqual({ code: 0, signal: null });
    expect(p.lines.at(-1)).toMatch(new RegExp(`^${time} stopped: \\d+ runs? done, 0 failed, \\d+ skipped$`));
    expect(copiesPerRecipient(smtp.accepted)).toEqual(new Map(s.emails.map((e) => [e, 1])));
  }, 60_000);

  it('nothing to schedule: exit 1 with a message naming the key, before anything runs', async () => {
    const s = await testSite({ schedule: {}, subscribers: 0 });
    const r = await runGazette(['--root', s.root, 'schedule']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gazette\.config\.json: nothing to schedule/);
    expect(r.stderr).toContain('schedule');
    expect(r.stdout).toBe('');
  }, 30_000);
});
