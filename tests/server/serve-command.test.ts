// `serveCommand` wired from a real config: default outbox transport, real store and secret file,
// start, serve, stop on abort with in-flight requests finishing.
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { serveCommand, startServer } from '../../src/commands/serve.js';
import type { Reporter } from '../../src/commands/command-result.js';
import { loadConfig } from '../../src/config/index.js';
import { isGazetteError } from '../../src/errors.js';
import { openStore } from '../../src/state/index.js';
import { baseConfig, makeSite, TEST_EMAIL } from '../helpers/site.js';
import { firstLink } from './helpers.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function recordingReporter(): Reporter & { lines: string[]; urlPromise: Promise<string> } {
  const lines: string[] = [];
  let found: (url: string) => void = () => {};
  const urlPromise = new Promise<string>((resolve) => {
    found = resolve;
  });
  return {
    lines,
    urlPromise,
    warn: (m) => lines.push(`warn: ${m}`),
    info: (m) => {
      lines.push(m);
      const url = /(http:\/\/\S+\/)/.exec(m)?.[1];
      if (url) found(url);
    },
  };
}

async function siteWithConfig(config: Record<string, unknown>) {
  const site = makeSite({ config, files: { 'out/index.html': '<p>served</p>' } });
  cleanups.push(site.cleanup);
  return { site, config: await loadConfig({ root: site.root, env: {} }) };
}

describe('serveCommand', () => {
  it('serves out/ on 127.0.0.1, writes confirmation mails to the outbox, and stops on abort', async () => {
    const { site, config } = await siteWithConfig(baseConfig({ email: TEST_EMAIL }));
    const reporter = recordingReporter();
    const stop = new AbortController();
    const done = serveCommand(config, reporter, { port: 0, signal: stop.signal, handleSignals: false, env: {} });
    const url = await reporter.urlPromise;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    expect(await (await fetch(url)).text()).toBe('<p>served</p>');
    const answer = await fetch(`${url}api/subscribe`, { method: 'POST', body: new URLSearchParams({ email: 'outbox@example.org' }) });
    expect(answer.status).toBe(200);

    // The default transport is the file outbox: the mail is a .eml file under .gazette/outbox/.
    const dir = join(site.root, '.gazette/outbox/confirmations');
    let files: string[] = [];
    for (let i = 0; i < 50 && files.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
      } catch {
        files = [];
      }
    }
    expect(files).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(dir, files[0]!)));
    const link = firstLink(mail.text ?? '');
    // The link uses the public site URL; the same path works against this server.
    expect(link.startsWith('https://test.example.org/api/confirm?token=')).toBe(true);
    const confirmed = await fetch(new URL(new URL(link).pathname + new URL(link).search, url));
    expect(confirmed.status).toBe(200);

    stop.abort();
    const result = await done;
    expect(result.exitCode).toBe(0);
    await expect(fetch(url)).rejects.toThrow();

    const store = openStore(site.root, { readonly: true });
    try {
      expect(store.getSubscriber('outbox@example.org')?.status).toBe('active');
    } finally {
      store.close();
    }
  });

  it('lets a request in flight finish when asked to stop', async () => {
    const { config } = await siteWithConfig(baseConfig({ email: TEST_EMAIL }));
    const reporter = recordingReporter();
    const stop = new AbortController();
    const done = serveCommand(config, reporter, { port: 0, signal: stop.signal, handleSignals: false, env: {} });
    const url = new URL(await reporter.urlPromise);

    const body = 'email=slow%40example.org';
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: '/api/subscribe', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        stop.abort();
        setTimeout(() => req.end(body.slice(10)), 200);
      }, 100);
    });
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.text).toContain('Check your inbox');
    expect((await done).exitCode).toBe(0);
  });

  it('serves without subscriptions when the config has no email section, and says so', async () => {
    const { config } = await siteWithConfig(baseConfig());
    const reporter = recordingReporter();
    const server = await startServer(config, reporter, { port: 0, handleSignals: false, env: {} });
    cleanups.push(() => server.stop());
    expect(reporter.lines.join('\n')).toContain('no "email" section');
    const res = await fetch(`${server.url}api/subscribe`, { method: 'POST', body: new URLSearchParams({ email: 'a@example.org' }) });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('does not send email');
    expect((await fetch(`${server.url}subscribe/`)).status).toBe(404);
  });

  it('reports a port in use as a usage error naming the port', async () => {
    const { config } = await siteWithConfig(baseConfig({ email: TEST_EMAIL }));
    const first = await startServer(config, recordingReporter(), { port: 0, env: {} });
    cleanups.push(() => first.stop());
    const port = Number(new URL(first.url).port);
    const error = await startServer(config, recordingReporter(), { port, env: {} }).catch((e: unknown) => e);
    expect(isGazetteError(error) && error.code).toBe('USAGE');
    expect((error as Error).message).toContain(`--port ${port}`);
  });
});
