/**
 * Bad input to `gazette publish`: a bad SMTP URL, a missing or unusable From or postal address, a
 * broken template, a missing DKIM key. Each gives a clear error naming what to fix, sends nothing
 * and loses nothing: once fixed, the next publish mails every new article to everyone, once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/site.js';
import { startSmtpSink } from '../mail/smtp-sink.js';
import { countByRecipient, EMAIL_CONFIG, gazetteAsync, mailConfig, mailSite, parseAccepted, sends, smtpUrl, subscriberCsv } from './helpers-mail.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('gazette publish refuses bad input before anything is sent', () => {
  it('bad SMTP URLs, From, postal address, template and DKIM key: clear errors, nothing sent, nothing lost', async () => {
    const site = mailSite({ articles: 3 });
    cleanups.push(() => site.cleanup());
    const { csv, emails } = subscriberCsv(3);
    site.write('subscribers.csv', csv);
    expect((await gazetteAsync(site.root, ['subscribers', 'import', join(site.root, 'subscribers.csv')])).code).toBe(0);
    const server = await startSmtpSink();
    cleanups.push(() => server.close());
    const good = smtpUrl(server);
    const config = (overrides: Parameters<typeof mailConfig>[0]) => site.write('gazette.config.json', JSON.stringify(mailConfig(overrides)));
    const withoutKey = (key: string) => {
      const email: Record<string, unknown> = { ...EMAIL_CONFIG };
      delete email[key];
      site.write('gazette.config.json', JSON.stringify({ ...mailConfig(), email }));
    };

    const cases: Array<{ name: string; arrange: () => void; env?: NodeJS.ProcessEnv; error: RegExp }> = [
      { name: 'not an SMTP URL', arrange: () => {}, env: { GAZETTE_SMTP_URL: 'http://127.0.0.1:25' }, error: /GAZETTE_SMTP_URL: scheme "http:" is not smtp: or smtps:/ },
      // Parses, and is refused only when the transport is opened: still before the digest is recorded.
      { name: 'a user without password', arrange: () => {}, env: { GAZETTE_SMTP_URL: `smtp://mailer@127.0.0.1:${server.port}` }, error: /GAZETTE_SMTP_URL: a user is given but no password/ },
      { name: 'no From', arrange: () => withoutKey('from'), env: { GAZETTE_SMTP_URL: good }, error: /invalid config[\s\S]*email\.from: required/ },
      { name: 'no postal address', arrange: () => withoutKey('postalAddress'), env: { GAZETTE_SMTP_URL: good }, error: /invalid config[\s\S]*email\.postalAddress: required/ },
      { name: 'a From that is no address', arrange: () => config({ email: { from: 'Test News <news at example>' } }), env: { GAZETTE_SMTP_URL: good }, error: /email\.from: "Test News <news at example>" is not an address/ },
      {
        name: 'DKIM without a key',
        arrange: () => config({ email: { dkim: { domainName: 'test.example.org', keySelector: 'gz' } } }),
        env: { GAZETTE_SMTP_URL: good },
        error: /email\.dkim: set privateKeyFile to the PEM key file, or the GAZETTE_DKIM_KEY environment variable/,
      },
      {
        name: 'an unclosed Liquid tag',
        arrange: () => {
          config({});
          const template = readFileSync(join(REPO, 'templates/digest.mjml'), 'utf8').replace('{%- endfor %}', '');
          site.write('templates/digest.mjml', template);
        },
        env: { GAZETTE_SMTP_URL: good },
        error: /templates\/digest\.mjml: the template does not render\n\s+templates\/digest\.mjml:\d+:\d+: Liquid: tag .*for article in articles.* not closed/,
      },
      { name: 'a broken subject template', arrange: () => { writeFileSync(join(site.root, 'templates/digest.mjml'), readFileSync(join(REPO, 'templates/digest.mjml'))); config({ digest: { subject: 'News: {{ count ' } }); }, env: { GAZETTE_SMTP_URL: good }, error: /digest\.subject: the template does not render\n\s+digest\.subject: Liquid: output "\{\{ count " not closed/ },
    ];

    for (const c of cases) {
      c.arrange();
      const r = await gazetteAsync(site.root, ['publish'], c.env);
      expect(r.code, `${c.name}: ${r.stdout}${r.stderr}`).toBe(1);
      expect(r.stderr, c.name).toMatch(c.error);
      expect(r.stderr, c.name).not.toMatch(/unexpected error|\n\s+at /);
      expect(server.accepted, c.name).toHaveLength(0);
    }
    expect(await sends(site.root)).toEqual([]);

    // Fixed: everything new goes out, to everyone, once.
    config({});
    const r = await gazetteAsync(site.root, ['publish'], { GAZETTE_SMTP_URL: good });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 recipients, 3 sent, 0 failed/);
    expect([...countByRecipient(server.accepted)].sort()).toEqual(emails.map((e) => [e, 1]));
    const [first] = await parseAccepted(server.accepted);
    expect(first!.parsed.subject).toBe('Test Site: 3 new articles');
    for (const n of [1, 2, 3]) expect(first!.parsed.text).toContain(`Article ${n}:`);
  });
});
