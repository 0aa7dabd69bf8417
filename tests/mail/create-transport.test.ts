/** Choosing the transport from the real config loader's output (file + environment). */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { GazetteError } from '../../src/errors.js';
import { createTransport } from '../../src/mail/create-transport.js';
import type { Transport } from '../../src/mail/transport.js';
import { fixtureMessage } from './message-fixture.js';
import { startSmtpSink } from './smtp-sink.js';

let root: string;
const opened: Transport[] = [];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'gazette-transport-'));
});
afterEach(async () => {
  for (const t of opened.splice(0)) await t.close();
  await rm(root, { recursive: true, force: true });
});

function siteConfig(email: Record<string, unknown> | undefined): Record<string, unknown> {
  return {
    site: { title: 'Example News', url: 'https://news.example.org/' },
    ...(email ? { email: { from: 'Example News <news@example.org>', postalAddress: '1 Example Street, Springfield', ...email } } : {}),
  };
}

async function configWith(email: Record<string, unknown> | undefined, env: NodeJS.ProcessEnv = {}) {
  await writeFile(join(root, 'gazette.config.json'), JSON.stringify(siteConfig(email)));
  return loadConfig({ root, env });
}

function expectMailError(fn: () => unknown, key: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GazetteError);
    expect((e as GazetteError).code).toBe('MAIL');
    expect((e as GazetteError).message).toContain(key);
    return;
  }
  throw new Error(`expected a MAIL error naming ${key}`);
}

describe('createTransport', () => {
  it('defaults to the outbox under .gazette/outbox/<digest>/', async () => {
    const config = await configWith({});
    const t = createTransport(config, { digestId: 'first' });
    opened.push(t);
    expect((await t.send(fixtureMessage({ to: 'ada@example.net' }))).ok).toBe(true);
    expect(await readdir(join(root, '.gazette', 'outbox', 'first'))).toEqual(['000001-ada@example.net.eml']);
  });

  it('uses SMTP from the config, with the password from the variable auth.passEnv names', async () => {
    const sink = await startSmtpSink({ auth: { user: 'desk', password: 'pa55-from-env' } });
    try {
      const config = await configWith({
        transport: { host: sink.host, port: sink.port, auth: { user: 'desk', passEnv: 'NEWS_SMTP_PASS' }, maxConnections: 2, rateLimit: 10 },
      });
      const t = createTransport(config, { digestId: 'x', env: { NEWS_SMTP_PASS: 'pa55-from-env' } });
      opened.push(t);
      expect(t.describe()).toBe(`smtp 127.0.0.1:${sink.port} (pool 2, 10 msg/s, STARTTLS if offered, auth)`);
      expect((await t.send(fixtureMessage({ to: 'ada@example.net' }))).ok).toBe(true);
      expect(sink.acceptedRecipients()).toEqual(['ada@example.net']);
      await t.close();
    } finally {
      await sink.close();
    }
  });

  it('GAZETTE_SMTP_URL overrides the config, user and password included', async () => {
    const sink = await startSmtpSink({ auth: { user: 'u@example.org', password: 'p:w/d' } });
    try {
      const env = { GAZETTE_SMTP_URL: `smtp://u%40example.org:p%3Aw%2Fd@127.0.0.1:${sink.port}?maxConnections=1` };
      const config = await configWith({}, env);
      const t = createTransport(config, { digestId: 'x', env });
      opened.push(t);
      expect(t.describe()).not.toContain('p:w/d');
      expect((await t.send(fixtureMessage({ to: 'ada@example.net' }))).ok).toBe(true);
      expect(sink.acceptedRecipients()).toEqual(['ada@example.net']);
      await t.close();
    } finally {
      await sink.close();
    }
  });

  it('a missing password is an error naming the key and the variable', async () => {
    const config = await configWith({ transport: { host: 'smtp.example.org', auth: { user: 'desk' } } });
    expectMailError(() => createTransport(config, { digestId: 'x', env: {} }), 'email.transport.auth.passEnv');
    expectMailError(() => createTransport(config, { digestId: 'x', env: {} }), 'GAZETTE_SMTP_PASSWORD');
  });

  it('a URL with a user but no password is an error naming GAZETTE_SMTP_URL', async () => {
    const env = { GAZETTE_SMTP_URL: 'smtp://desk@smtp.example.org:587' };
    const config = await configWith({}, env);
    expectMailError(() => createTransport(config, { digestId: 'x', env }), 'GAZETTE_SMTP_URL');
  });

  it('TLS mode and port that cannot talk to each other are errors naming the key', async () => {
    const c1 = await configWith({ transport: { host: 'smtp.example.org', port: 587, secure: true } });
    expectMailError(() => createTransport(c1, { digestId: 'x', env: {} }), 'email.transport.secure');
    const c2 = await configWith({ transport: { host: 'smtp.example.org', port: 465 } });
    expectMailError(() => createTransport(c2, { digestId: 'x', env: {} }), 'email.transport.port');
  });

  it('no email section: an error that says what to add', async () => {
    const config = await configWith(undefined);
    expectMailError(() => createTransport(config, { digestId: 'x' }), 'email');
  });

  it('an outbox digest id that would escape .gazette/ is refused', async () => {
    const config = await configWith({});
    expectMailError(() => createTransport(config, { digestId: '../../out' }), 'digest id');
  });
});
