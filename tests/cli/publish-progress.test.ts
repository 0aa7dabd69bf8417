/**
 * The SMTP transport from the config file (not GAZETTE_SMTP_URL): AUTH with the password from the
 * environment, a pool of `maxConnections`, `rateLimit` messages per second from the first one —
 * and, on a terminal, a progress bar for a send that lasts more than a few seconds, then the final
 * summary. The terminal is a real pseudo-terminal (util-linux `script`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, REPO } from '../helpers/site.js';
import { startSmtpSink } from '../mail/smtp-sink.js';
import { cliEnv, countByRecipient, gazetteAsync, mailConfig, mailSite, subscriberCsv } from './helpers-mail.js';

const SCRIPT = '/usr/bin/script';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Runs the CLI with stdout and stderr on a pseudo-terminal; returns everything it drew. */
function onTerminal(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; screen: string }> {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  // A pseudo-terminal made by `script` without a terminal around it has no size: give it one.
  const command = `stty cols 100 rows 30; exec ${[process.execPath, CLI, ...args].map(quote).join(' ')}`;
  const proc = spawn(SCRIPT, ['-q', '-e', '-c', command, '/dev/null'], { cwd: REPO, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let screen = '';
  proc.stdout.on('data', (d: Buffer) => (screen += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (screen += d.toString()));
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, screen }));
  });
}

describe('SMTP from the config file, on a terminal', () => {
  it.skipIf(!existsSync(SCRIPT))('authenticates, keeps to maxConnections and rateLimit, draws a progress bar, ends with a summary', async () => {
    const N = 50;
    const RATE = 20;
    const server = await startSmtpSink({ auth: { user: 'mailer', password: 'pa55:wörd' } });
    cleanups.push(() => server.close());
    const transport = { host: '127.0.0.1', port: server.port, secure: false, auth: { user: 'mailer', passEnv: 'TEST_SMTP_PASS' }, maxConnections: 2, rateLimit: RATE };
    const site = mailSite({ articles: 2, config: mailConfig({ email: { transport } }) });
    cleanups.push(() => site.cleanup());
    const { csv, emails } = subscriberCsv(N);
    site.write('subscribers.csv', csv);
    expect((await gazetteAsync(site.root, ['subscribers', 'import', `${site.root}/subscribers.csv`])).code).toBe(0);

    // A wrong password: refused by the server at AUTH, which is no recipient's fault: nobody bounces.
    const wrong = await gazetteAsync(site.root, ['publish'], { TEST_SMTP_PASS: 'wrong' });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/paused after too many failures in a row/);
    expect(`${wrong.stdout}${wrong.stderr}`).not.toContain('wrong');
    expect(server.accepted).toHaveLength(0);

    const id = /digest (\S+) paused/.exec(wrong.stdout)![1]!;
    const r = await onTerminal(['--root', site.root, 'resume', id], { TEST_SMTP_PASS: 'pa55:wörd' });
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).not.toContain('pa55');

    expect([...countByRecipient(server.accepted)].sort()).toEqual(emails.map((e) => [e, 1]).sort());
    expect(server.peakConnections()).toBeLessThanOrEqual(2);
    // rateLimit is a spacing from the very first message, not a burst per second.
    const starts = server.accepted.map((a) => a.startedAt).sort((a, b) => a - b);
    // Measured in this (busy) test process, so judged over windows of 10 messages, not per gap.
    const windows = starts.slice(10).map((t, i) => t - starts[i]!);
    expect(Math.min(...windows)).toBeGreaterThan((10 * 1000) / RATE - 60);
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(((N - 1) * 1000) / RATE - 50);

    // The bar: redrawn in place (CR, erase line), counting up to the whole list, then left on its own line.
    const frames = r.screen.split('\r\x1b[2K').slice(1).map((f) => f.replace(/\r?\n[\s\S]*$/, ''));
    expect(frames.length).toBeGreaterThan(2);
    expect(frames[0]).toMatch(new RegExp(`^Digest ${id} \\[[#-]{24}\\]  \\d+/${N}  \\d+%`));
    expect(frames.at(-1)).toMatch(new RegExp(`^Digest ${id} \\[#{24}\\]  ${N}/${N}  100%`));
    expect(frames.some((f) => / \d+(\.\d)? msg\/s  ETA \d+:\d\d$/.test(f))).toBe(true);
    for (const f of frames) expect(f.length).toBeLessThan(100);
    // The final summary: recipients, sent, failed, uncertain, time, msgs/s.
    const summary = new RegExp(`digest ${id} finished: ${N} recipients, ${N} sent, 0 failed, 0 pending, 0 uncertain in ([\\d.]+) s \\(([\\d.]+) msgs/s\\)`).exec(r.screen);
    expect(summary, r.screen).not.toBeNull();
    expect(Number(summary![2])).toBeLessThanOrEqual(RATE * 1.1);
  });
});
