/**
 * SpamAssassin, local rules only (-L: no DNS blocklists, no network), with the rule set Debian
 * installs under /usr/share/spamassassin (no sa-update). The default digest must score at most 1.0.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { composeDigestMail, dkimKey } from '../../src/digest/index.js';
import { article, fullDigestInput, render, SECRET } from './fixtures.js';

const SPAMASSASSIN = '/usr/bin/spamassassin';
const available = existsSync(SPAMASSASSIN) && existsSync('/usr/share/spamassassin');
const home = mkdtempSync(join(tmpdir(), 'gazette-sa-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function score(message: Buffer): Promise<{ score: number; tests: string }> {
  return new Promise((resolve, reject) => {
    // HOME points at a temporary folder so SpamAssassin's per-user files land there.
    const child = execFile(SPAMASSASSIN, ['-L', '-t'], { env: { ...process.env, HOME: home }, maxBuffer: 16 << 20 }, (error, stdout) => {
      if (error) return reject(error);
      const status = /^X-Spam-Status: (?:Yes|No), score=(-?[\d.]+) required=[\d.]+ tests=([\s\S]*?) autolearn=/m.exec(stdout);
      if (!status) return reject(new Error(`no X-Spam-Status in SpamAssassin's output:\n${stdout.slice(0, 2000)}`));
      resolve({ score: Number(status[1]), tests: status[2]!.replace(/\s+/g, '') });
    });
    child.stdin!.end(message);
  });
}

describe.skipIf(!available)('SpamAssassin', () => {
  it('scores the default digest (ten articles with images, "and 3 more") at most 1.0', async () => {
    const mail = composeDigestMail(await render(fullDigestInput()), { from: 'Example News <news@example.org>', replyTo: 'desk@example.org', secret: SECRET });
    const result = await score(mail.messageFor({ email: 'ana@example.org', name: 'Ana Lima' }).raw);
    console.log(`SpamAssassin, full digest: ${result.score} (${result.tests})`);
    expect(result.score).toBeLessThanOrEqual(1.0);
  });

  it('scores a one-article digest, DKIM-signed, unicode name, at most 1.0', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = dkimKey('example.org', 'sel', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const mail = composeDigestMail(await render({ shown: [article(1)] }), { from: 'Example News <news@example.org>', secret: SECRET, dkim: key });
    const result = await score(mail.messageFor({ email: 'zoe@example.org', name: 'Zoë Müller 🦊' }).raw);
    console.log(`SpamAssassin, one article, signed: ${result.score} (${result.tests})`);
    expect(result.score).toBeLessThanOrEqual(1.0);
  });
});
