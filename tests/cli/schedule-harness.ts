// The real, compiled CLI as long-running child processes for the `gazette schedule` and
// `gazette serve --schedule` end-to-end tests. Everything is asynchronous (spawn, never
// spawnSync): the smtp-server these tests start lives in the test's own event loop and must keep
// answering while a child sends.
import { spawn, type ChildProcess } from 'node:child_process';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { startSmtpSink, type Accepted, type SinkOptions, type SmtpSink } from '../mail/smtp-sink.js';
import { CLI, REPO, TEST_EMAIL, baseConfig, makeSite } from '../helpers/site.js';

import { sleep, waitFor } from '../helpers/wait.js';
import { parseAccepted, smtpUrl, type CliResult } from './helpers-mail.js';

export { sleep, waitFor, type CliResult };

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface GazetteProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** stdout, line by line, as it arrives. */
  readonly lines: string[];
  stdout(): string;
  stderr(): string;
  /** The stdout lines that are JSON objects (the run log with --json). */
  events(): LogEvent[];
  /** Resolves with the first event (already seen or still to come) that matches. */
  waitForEvent(what: string, predicate: (e: LogEvent) => boolean, timeoutMs: number): Promise<LogEvent>;
  readonly exited: Promise<Exit>;
  /** Resolves with the exit, or rejects after `timeoutMs` (and kills the child). */
  waitForExit(timeoutMs: number): Promise<Exit>;
  /** SIGKILL if still running; for cleanup after a failed assertion. */
  kill(): void;
}

/** One line of `gazette --json schedule`. */
export interface LogEvent {
  readonly event: string;
  readonly [key: string]: unknown;
}

export interface RunEvent extends LogEvent {
  readonly event: 'run';
  readonly kind: 'build' | 'digest';
  readonly slot: string;
  readonly catchUp: boolean;
  readonly started: string;
  readonly articles: number;
  readonly recipients: number;
  readonly sent: number;
  readonly failed: number;
  readonly pending: number;
  readonly digestId: string | null;
  readonly completed: boolean;
  readonly durationMs: number;
  readonly nextRun: string | null;
  /** Earlier sends this run continued, when there were any. */
  readonly resumed?: readonly { id: string; sent: number; failed: number; pending: number }[];
}

const running = new Set<GazetteProcess>();

/** Kills whatever a failed test left running; call from afterEach. */
export function killAll(): void {
  for (const p of running) p.kill();
  running.clear();
}

export function startGazette(args: readonly string[], env: NodeJS.ProcessEnv = {}): GazetteProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start gazette ${args.join(' ')}`);
  let out = '';
  let err = '';
  const lines: string[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr.on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => (done = true));

  const events = (): LogEvent[] =>
    lines.flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as LogEvent];
      } catch {
        return [];
      }
    });
  const describe = (): string => `stdout:\n${out}\nstderr:\n${err}`;

  const proc: GazetteProcess = {
    pid: child.pid,
    child,
    lines,
    stdout: () => out,
    stderr: () => err,
    events,
    async waitForEvent(what, predicate, timeoutMs) {
      let found: LogEvent | undefined;
      await waitFor(
        what,
        () => {
          found = events().find(predicate);
          if (!found && done) throw new Error(`gazette exited before ${what}\n${describe()}`);
          return found !== undefined;
        },
        timeoutMs,
        describe,
      );
      return found!;
    },
    exited,
    async waitForExit(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`gazette ${args.join(' ')} did not exit within ${timeoutMs} ms\n${describe()}`));
        }, timeoutMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
        running.delete(proc);
      }
    },
    kill() {
      if (!done) child.kill('SIGKILL');
    },
  };
  running.add(proc);
  return proc;
}


/** A one-off command (sends, resume, subscribers import, build), awaited. */
export async function runGazette(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<CliResult> {
  const p = startGazette(args, env);
  const exit = await p.waitForExit(timeoutMs);
  return { ...exit, stdout: p.stdout(), stderr: p.stderr() };
}


/** A Markdown article dated `agoMs` before the real clock (the first digest only counts recent ones). */
export function article(title: string, agoMs = 3_600_000, body = 'Body text of the article.'): string {
  const date = new Date(Date.now() - agoMs).toISOString();
  return `---\ntitle: ${JSON.stringify(title)}\ndate: ${date}\n---\n${body}\n`;
}

export function subscriberAddresses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `reader${String(i + 1).padStart(3, '0')}@example.net`);
}

export interface ScheduleSite {
  readonly root: string;
  readonly emails: readonly string[];
  /** Atomic: written under a temporary name in the site folder, then renamed into place. */
  write(path: string, content: string | Uint8Array): void;
  config(overrides?: Record<string, unknown>): Record<string, unknown>;
  cleanup(): void;
}

/**
 * A site with an email section, the given schedule, some articles and `subscribers` active
 * addresses (imported through the CLI, as an operator would).
 */
export async function scheduleSite(options: {
  readonly schedule: Record<string, unknown>;
  readonly subscribers: number;
  readonly files?: Record<string, string>;
}): Promise<ScheduleSite> {
  const config = (overrides: Record<string, unknown> = {}): Record<string, unknown> =>
    baseConfig({ email: TEST_EMAIL, schedule: options.schedule, ...overrides });
  const site = makeSite({ config: config(), files: options.files ?? {} });
  const emails = subscriberAddresses(options.subscribers);
  if (emails.length > 0) {
    site.write('subscribers.csv', `email,name\n${emails.map((e, i) => `${e},Reader ${i + 1}`).join('\n')}\n`);
    const r = await runGazette(['--root', site.root, 'subscribers', 'import', `${site.root}/subscribers.csv`]);
    if (r.code !== 0) throw new Error(`subscribers import failed: ${r.stderr}`);
  }
  // Written whole and renamed into place: a tick that reads the folder meanwhile sees the old
  // file or the new one, never half of one (as an editor's or a deploy's atomic save would do).
  let n = 0;
  const write = (path: string, content: string | Uint8Array): void => {
    const temp = `.tmp-${process.pid}-${n++}`;
    site.write(temp, content);
    renameSync(join(site.root, temp), join(site.root, path));
  };
  return { root: site.root, emails, write, config, cleanup: site.cleanup };
}

const cleanups: (() => Promise<void> | void)[] = [];

/**
 * For afterEach: kills whatever the test left running first, then closes the sinks and removes the
 * sites `startSink` and `testSite` made, newest first.
 */
export async function cleanUpAfterTest(): Promise<void> {
  killAll();
  for (const c of cleanups.splice(0).reverse()) await c();
}

/** An smtp-sink that `cleanUpAfterTest` closes. */
export async function startSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const s = await startSmtpSink(options);
  cleanups.push(() => s.close());
  return s;
}

/** A `scheduleSite` that `cleanUpAfterTest` removes. */
export async function testSite(options: Parameters<typeof scheduleSite>[0]): Promise<ScheduleSite> {
  const s = await scheduleSite(options);
  cleanups.push(s.cleanup);
  return s;
}

/** The environment that points a gazette process at `sink`. */
export const smtpEnv = (sink: SmtpSink): NodeJS.ProcessEnv => ({ GAZETTE_SMTP_URL: smtpUrl(sink) });

export interface ReadMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** What a mail client shows of each accepted message. */
export async function readMessages(accepted: readonly Accepted[]): Promise<ReadMessage[]> {
  return (await parseAccepted(accepted)).map(({ parsed }, i) => ({
    to: accepted[i]!.to.join(','),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
  }));
}

/** `gazette sends --json` (the history, one send's rows) and recipient → messages accepted for it. */
export {
  sends,
  sendDetail as deliveries,
  countByRecipient as copiesPerRecipient,
  type SendSummaryJson,
  type DeliveryJson,
} from './helpers-mail.js';

export const isRun = (e: LogEvent): e is RunEvent => e.event === 'run';
export const isDigestRun = (e: LogEvent): e is RunEvent => isRun(e) && e.kind === 'digest';
