/** The shared Transport suite, run against the SMTP transport (real smtp-server) and the outbox. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOutboxTransport } from '../../src/mail/outbox-transport.js';
import { createSmtpTransport } from '../../src/mail/smtp-transport.js';
import { describeTransport } from './describe-transport.js';
import { startSmtpSink } from './smtp-sink.js';

describeTransport('smtp (pooled, authenticated)', async () => {
  const auth = { user: 'gazette', password: 's3cret-Pa55' };
  const sink = await startSmtpSink({ auth });
  const transport = createSmtpTransport({
    host: sink.host,
    port: sink.port,
    secure: false,
    requireTLS: false,
    rejectUnauthorized: true,
    pool: true,
    maxConnections: 3,
    rateLimit: 0,
    auth,
  });
  return {
    transport,
    secrets: [auth.password],
    delivered: async () => sink.accepted.map((a) => ({ to: a.to.join(','), raw: a.raw })),
    cleanup: () => sink.close(),
  };
});

describeTransport('outbox', async () => {
  const root = await mkdtemp(join(tmpdir(), 'gazette-outbox-'));
  const stateDir = join(root, '.gazette');
  const dir = join(stateDir, 'outbox', 'd-2026-11-20');
  const transport = createOutboxTransport({ stateDir, digestId: 'd-2026-11-20' });
  return {
    transport,
    secrets: [],
    delivered: async () => {
      const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).sort();
      return Promise.all(
        names.map(async (n) => ({ to: n.replace(/^\d+-/, '').replace(/\.eml$/, ''), raw: await readFile(join(dir, n)) })),
      );
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});
