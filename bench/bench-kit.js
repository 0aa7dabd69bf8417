// What the digest benches share: a local SMTP sink in its own process (so the sender and the
// sink do not share a CPU thread), child-process runs, the digest bench site, and logging.
import { fork, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { articleText } from './generate-site.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * Forks `script --sink` (whose entry calls `serveSink`) and waits for its port. `received()` asks
 * how many messages it has taken so far.
 */
export async function startSinkProcess(script) {
  const child = fork(script, ['--sink'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)));
  const received = () =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m.count));
      child.send('count');
    });
  return { port, received, stop: () => child.kill() };
}

/** The sink process's body: counts messages, reports its port, then its count on request. */
export async function serveSink(options = {}) {
  const { SMTPServer } = require('smtp-server');
  let count = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: 100 * 1024 * 1024,
    ...options,
    onData(stream, _session, callback) {
      stream.on('end', () => {
        count++;
        callback();
      });
      stream.resume();
    },
  });
  server.on('error', () => {});
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', () => process.send({ count }));
  process.send({ port: server.server.address().port });
}

/** Runs a command from the repository root; resolves with its exit code, stdout and stderr. */
export function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let stderr = '';
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr }));
  });
}

/** The digest benches' site: config with email settings and twelve generated articles. */
export function writeDigestSite(root) {
  mkdirSync(join(root, 'content'), { recursive: true });
  writeFileSync(join(root, 'gazette.config.json'), JSON.stringify({
    site: { title: 'Bench News', url: 'https://bench.example.org/', language: 'en' },
    email: { from: 'Bench News <news@bench.example.org>', replyTo: 'desk@bench.example.org', postalAddress: '1 Bench Street, Springfield' },
    digest: { subject: '{{ site.title }}: {{ count }} new articles', maxArticles: 10, lookback: '36500d' },
  }));
  for (let i = 0; i < 12; i++) writeFileSync(join(root, 'content', `article-${i}.md`), articleText(i));
}

/** Progress on stderr: stdout carries the bench's one JSON object. */
export function log(line) {
  process.stderr.write(`${line}\n`);
}
