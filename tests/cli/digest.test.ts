/**
 * `gazette digest`: the next digest rendered into .gazette/preview/ (html, txt, eml) exactly as a
 * subscriber would get it — and nothing sent, recorded or published.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSite } from '../helpers/site.js';
import { gazetteAsync, gazetteJson, mailConfig, rawHeader, sends } from './helpers-mail.js';

const cleanups: Array<() => unknown> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** Twelve heavy articles: long unicode titles, images, three authors, long bodies and no summary. */
function heavyArticles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 12; i++) {
    const words = Array.from({ length: 600 }, (_, w) => ['Ünïcödé', 'wörds', '“quoted”', '—', 'emoji 🎉', '<b>bold</b>', '&amp;', `w${w}`][w % 8]).join(' ');
    files[`content/heavy-${String(i).padStart(2, '0')}.md`] =
      `---\ntitle: "${`Heavy title ${i} with ünïcode, emoji 🎉 and <script>alert(1)</script> `.repeat(4).trim()}"\n` +
      `date: 2020-04-${String(i).padStart(2, '0')}T08:00:00Z\nimage: /images/${i}.jpg\nauthors: [Alpha Beta, Gamma Delta, Epsilon Zeta]\n` +
      `tags: [one, two, three]\n---\n${words}\n\n<iframe src="https://evil.example/"></iframe>\n\n${words}\n`;
  }
  return files;
}

describe('gazette digest (preview)', () => {
  it('writes html, txt and eml of the next digest, under 90 KB with 10 articles, and sends nothing', async () => {
    const s = makeSite({ config: mailConfig(), files: heavyArticles() });
    cleanups.push(() => s.cleanup());
    expect((await gazetteAsync(s.root, ['subscribers', 'add', 'reader@example.net'])).code).toBe(0);

    const { run, json } = await gazetteJson<{ digest: { subject: string; articles: number; more: number; htmlBytes: number; files: Record<'html' | 'text' | 'eml', string> } }>(
      s.root,
      ['digest'],
    );
    expect(run.code, run.stderr).toBe(0);
    const dir = join(s.root, '.gazette/preview');
    expect(json.digest).toMatchObject({
      subject: 'Test Site: 12 new articles',
      articles: 10,
      more: 2,
      files: { html: join(dir, 'digest.html'), text: join(dir, 'digest.txt'), eml: join(dir, 'digest.eml') },
    });
    const html = readFileSync(join(dir, 'digest.html'), 'utf8');
    const text = readFileSync(join(dir, 'digest.txt'), 'utf8');
    const eml = readFileSync(join(dir, 'digest.eml'));
    expect(Buffer.byteLength(html)).toBeLessThan(90 * 1024);
    expect(json.digest.htmlBytes).toBeLessThan(90 * 1024);
    for (let i = 3; i <= 12; i++) expect(text).toContain(`Heavy title ${i} with`);
    expect(text).not.toContain('Heavy title 2 with'); // the oldest two are in "and 2 more"
    expect(html).toMatch(/2 more/);
    expect(html).not.toMatch(/<script|<iframe|evil\.example|\son[a-z]+\s*=/i);
    const links = [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(12); // one per article at least, and the footer's
    for (const href of links) expect(href).toMatch(/^(https:\/\/|mailto:)/);

    // The .eml is the message a subscriber would get, addressed to a reserved domain.
    const mail = await simpleParser(eml);
    expect(mail.from?.value).toEqual([{ name: 'Test News', address: 'news@test.example.org' }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]!.address : null).toBe('reader@example.invalid');
    expect(mail.subject).toBe('Test Site: 12 new articles');
    expect(rawHeader(eml, 'List-Unsubscribe')).toMatch(/^<https:\/\/test\.example\.org\/api\/unsubscribe\?token=[^>]+>, <mailto:desk@test\.example\.org\?[^>]+>$/);
    expect(rawHeader(eml, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(String(mail.html)).toBe(html);
    expect(mail.text?.trimEnd()).toBe(text.trimEnd());

    // Nothing sent, recorded or published: the next publish still has all twelve.
    expect(await sends(s.root)).toEqual([]);
    expect(existsSync(join(s.root, '.gazette/outbox'))).toBe(false);
    expect(existsSync(join(s.root, 'out'))).toBe(false);
    const dry = await gazetteAsync(s.root, ['publish', '--dry-run']);
    expect(dry.stdout).toMatch(/would send digest \S+: 10 articles and 2 more to 1 active subscriber\b/);

    // Once published, there is nothing new to preview.
    expect((await gazetteAsync(s.root, ['publish'])).code).toBe(0);
    const after = await gazetteAsync(s.root, ['digest']);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toMatch(/no digest: nothing new since the last one/);
  });
});
