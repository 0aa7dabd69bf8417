/**
 * For the end-to-end tests of the email digest through the real CLI: mail-ready site folders,
 * the CLI spawned asynchronously (so an smtp-server in the test process keeps answering while it
 * runs), and what arrived at the server parsed with mailparser, as a mail client would see it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { simpleParser, type ParsedMail } from 'mailparser';
import { CLI, REPO, baseConfig, makeSite } from '../helpers/site.js';
import type { SendSummary } from '../../src/model/index.js';
import type { Accepted, SmtpSink } from '../mail/smtp-sink.js';

/** A fixed token secret: Message-IDs and unsubscribe links are derived from it. */
export const TEST_SECRET = 'e2e-test-secret-0123456789abcdef0123456789abcdef';

export const EMAIL_CONFIG = {
  from: 'Test News <news@test.example.org>',
  replyTo: 'Desk <desk@test.example.org>',
  postalAddress: '1 Test Street, 12345 Springfield',
} as const;

/**
 * A config with an email section. The articles are dated 2020 (see `articleFiles`), so the lookback
 * is long enough for every one of them to count as new on the first publish, whatever the clock says.
 */
export function mailConfig(overrides: { email?: Record<string, unknown>; digest?: Record<string, unknown> } = {}): Record<string, unknown> {
  return baseConfig({
    email: { ...EMAIL_CONFIG, ...overrides.email },
    digest: { subject: 'Test Site: {{ count }} new articles', maxArticles: 10, lookback: '36500d', ...overrides.digest },
  });
}

/** `count` Markdown articles, one a day from 2020-03-01, with a relative link and an image each. */
export function articleFiles(count: number, from = 1): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = from; i < from + count; i++) {
    const day = new Date(Date.UTC(2020, 2, i, 8, 0, 0)).toISOString();
    files[`content/article-${String(i).padStart(3, '0')}.md`] =
      `---\ntitle: "Article ${i}: über <script>alert(${i})</script> & more"\ndate: ${day}\nsummary: "Summary of article ${i}."\n---\n` +
      `Body of article ${i}, with [a relative link](/about/) and ![a picture](/img/p${i}.png).\n\n` +
      `<script>alert("body ${i}")</script>\n\n${'Filler sentence for the body of the article. '.repeat(40)}\n`;
  }
  return files;
}

export interface MailSite {
  readonly root: string;
  readonly write: (path: string, content: string | Uint8Array) => void;
  readonly cleanup: () => void;
}

/** A site with `articles` articles and a mail config. */
export function mailSite(options: { articles?: number; config?: Record<string, unknown> } = {}): MailSite {
  return makeSite({ config: options.config ?? mailConfig(), files: articleFiles(options.articles ?? 3) });
}

/** `n` subscribers as an import CSV: sub001@example.net … with a name on every other one. */
export function subscriberCsv(n: number, prefix = 'sub'): { csv: string; emails: string[] } {
  const emails: string[] = [];
  const lines = ['email,name,status,subscribed_at'];
  for (let i = 1; i <= n; i++) {
    const email = `${prefix}${String(i).padStart(3, '0')}@example.net`;
    emails.push(email);
    lines.push(`${email},${i % 2 ? `"Reader ${i}, Jr."` : ''},,`);
  }
  return { csv: `${lines.join('\n')}\n`, emails };
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningCli {
  readonly proc: ChildProcess;
  readonly done: Promise<CliResult>;
  stdout(): string;
  stderr(): string;
}

/** The environment every CLI run gets: a fixed secret, no colours, no SMTP unless given. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', GAZETTE_SECRET: TEST_SECRET, ...extra };
  for (const key of ['GAZETTE_SMTP_URL', 'GAZETTE_DKIM_KEY'] as const) if (!(key in extra)) delete env[key];
  return env;
}

/** Starts the compiled CLI without blocking the event loop. */
export function spawnGazette(root: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const proc = spawn(process.execPath, [CLI, '--root', root, ...args], { cwd: REPO, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`gazette ${args.join(' ')}: still running after 60 s\n${err}`));
    }, 60_000);
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  return { proc, done, stdout: () => out, stderr: () => err };
}

export function gazetteAsync(root: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return spawnGazette(root, args, env).done;
}

/** Runs the CLI and parses its `--json` output; fails with the CLI's stderr when it is not JSON. */
export async function gazetteJson<T = unknown>(root: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ run: CliResult; json: T }> {
  const run = await gazetteAsync(root, ['--json', ...args], env);
  try {
    return { run, json: JSON.parse(run.stdout) as T };
  } catch {
    throw new Error(`gazette --json ${args.join(' ')} (exit ${run.code}): stdout is not JSON:\n${run.stdout}\n${run.stderr}`);
  }
}

/** GAZETTE_SMTP_URL for a sink: plain SMTP on 127.0.0.1 (the sink offers no STARTTLS). */
export function smtpUrl(sink: Pick<SmtpSink, 'port'>, query: Record<string, string | number> = {}): string {
  const q = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return `smtp://127.0.0.1:${sink.port}${q ? `?${q}` : ''}`;
}


/** How many messages each recipient got. */
export function countByRecipient(accepted: readonly Accepted[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of accepted) for (const to of a.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

export interface ArrivedMail {
  readonly envelopeTo: string;
  readonly raw: Buffer;
  readonly parsed: ParsedMail;
}

export async function parseAccepted(accepted: readonly Accepted[]): Promise<ArrivedMail[]> {
  return Promise.all(accepted.map(async (a) => ({ envelopeTo: a.to[0]!, raw: a.raw, parsed: await simpleParser(a.raw) })));
}

/** A header's raw value (unfolded), as the message carries it. */
export function rawHeader(raw: Buffer, name: string): string | undefined {
  const head = raw.toString('latin1').split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** The digest ids `gazette sends --json` lists, oldest first: the CLI prints each `SendSummary` as is. */
export type SendSummaryJson = SendSummary;

export interface DeliveryJson {
  readonly email: string;
  readonly name: string | null;
  readonly status: 'pending' | 'uncertain' | 'sent' | 'failed';
  readonly attempts: number;
  readonly last_error: string | null;
  readonly last_attempt_at: string | null;
  readonly sent_at: string | null;
  readonly message_id: string | null;
  readonly permanent: boolean;
}

export async function sends(root: string): Promise<SendSummaryJson[]> {
  const { run, json } = await gazetteJson<SendSummaryJson[]>(root, ['sends']);
  if (run.code !== 0) throw new Error(`gazette sends failed: ${run.stderr}`);
  return json;
}

export async function sendDetail(root: string, id: string): Promise<SendSummaryJson & { deliveries: DeliveryJson[] }> {
  const { run, json } = await gazetteJson<SendSummaryJson & { deliveries: DeliveryJson[] }>(root, ['sends', id]);
  if (run.code !== 0) throw new Error(`gazette sends ${id} failed: ${run.stderr}`);
  return json;
}

export { waitFor } from '../helpers/wait.js';
