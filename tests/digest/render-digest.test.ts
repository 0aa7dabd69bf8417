import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, beforeAll } from 'vitest';
import { validateHtml } from '../validators/index.js';
import { GazetteError } from '../../src/errors.js';
import { personalise, type RenderedDigest } from '../../src/digest/index.js';
import { article, defaultTemplate, fullDigestInput, render, withImage } from './fixtures.js';

const values = (n: number) => ({
  unsubscribeUrl: `https://news.example.org/api/unsubscribe?token=tok${n}.sig${n}`,
  email: `reader${n}@example.org`,
  name: n === 2 ? null : `Reader ${n}`,
});

/** The links a reader can click: [href, visible text]. */
function links(html: string): Array<[string, string]> {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => [m[1]!.replace(/&amp;/g, '&'), m[2]!.replace(/<[^>]+>/g, '').trim()]);
}

async function templateError(source: string): Promise<GazetteError> {
  try {
    await render({ templates: { mjml: { file: 'templates/digest.mjml', source } } });
  } catch (e) {
    expect(e).toBeInstanceOf(GazetteError);
    expect((e as GazetteError).code).toBe('TEMPLATE');
    return e as GazetteError;
  }
  throw new Error('expected the template to be rejected');
}

describe('renderDigest with the default template', () => {
  let digest: RenderedDigest;
  let html: string;
  beforeAll(async () => {
    digest = await render();
    html = personalise(digest.html, values(1), 'html');
  });

  it('shows the masthead, one linked card per article with byline, date and summary, and the footer', () => {
    expect(digest.subject).toBe('Example News: 3 new articles');
    expect(html).toContain('<title>Example News: 3 new articles</title>');
    const l = links(html);
    expect(l).toContainEqual(['https://news.example.org/', 'Example News']);
    for (const n of [1, 2, 3]) {
      expect(l).toContainEqual([`https://news.example.org/articles/article-${n}/`, `The council approves library plan number ${n}`]);
    }
    expect(l.filter(([, text]) => text === 'Read the article')).toHaveLength(3);
    expect(html).toContain('By Ana Lima and Ben Okafor · November 20, 2026');
    expect(html).toContain('After a long debate, the town council voted');
    expect(l).toContainEqual(['https://news.example.org/digests/7/', 'View in browser']);
    expect(l).toContainEqual(['https://news.example.org/api/unsubscribe?token=tok1.sig1', 'Unsubscribe']);
    expect(html).toContain('1 Example Street, Springfield');
    expect(html).toContain('Hello Reader 1, here is what is new on Example News.');
    expect(html).toContain('with reader1@example.org.');
    // The preheader lists the first titles.
    expect(html).toMatch(/display:none[^>]*>The council approves library plan number 1 · The council approves library plan number 2/);
  });

  it('shows images only for articles that have one, linked and with alt text', () => {
    const imgs = [...html.matchAll(/<img\b[^>]*>/g)].map((m) => m[0]);
    expect(imgs).toHaveLength(1);
    expect(imgs[0]).toContain('src="https://news.example.org/images/article-2.jpg"');
    expect(imgs[0]).toContain('alt="The council approves library plan number 2"');
    expect(links(html).map(([href]) => href)).toContain('https://news.example.org/articles/article-2/');
  });

  it('renders a digest with no image at all', async () => {
    const d = await render({ shown: [article(1)] });
    const h = personalise(d.html, values(1), 'html');
    expect(h).not.toContain('<img');
    expect(d.subject).toBe('Example News: 1 new article');
  });

  it('links only to absolute URLs and carries no script, frame, form or handler', () => {
    for (const [href] of links(html)) expect(href).toMatch(/^(https:\/\/|mailto:)/);
    for (const m of html.matchAll(/\bsrc="([^"]*)"/g)) expect(m[1]).toMatch(/^https:\/\//);
    expect(html).not.toMatch(/<(script|iframe|form|object|embed)\b/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  });

  it('writes minified CSS (cssnano ran) with a dark-mode block and the color-scheme meta', () => {
    const styles = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    const ours = styles.find((s) => s.includes('prefers-color-scheme'))!;
    expect(ours).toBeDefined();
    expect(ours).not.toMatch(/\/\*|\n|\s{2,}|;\s|:\s|\s\{|\{\s|;\}/);
    expect(ours).toContain('@media (prefers-color-scheme:dark){');
    expect(ours).toContain('color:#e6e8eb!important'); // "!important" joined and colours kept short
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('fills in three recipients with their own name, address and unsubscribe link', () => {
    const copies = [1, 2, 3].map((n) => personalise(digest.html, values(n), 'html'));
    for (const [i, copy] of copies.entries()) {
      const n = i + 1;
      const unsub = links(copy).filter(([, text]) => text === 'Unsubscribe').map(([href]) => href);
      expect(unsub).toEqual([`https://news.example.org/api/unsubscribe?token=tok${n}.sig${n}`]);
      expect(copy).toContain(`with reader${n}@example.org.`);
      expect(copy).toContain(n === 2 ? 'Hello there, here is' : `Hello Reader ${n}, here is`);
      expect(copy).not.toMatch(/%%GZ/);
      for (const other of [1, 2, 3].filter((m) => m !== n)) expect(copy).not.toContain(`tok${other}.`);
    }
    expect(new Set(copies).size).toBe(3);
  });

  it('escapes what a subscriber typed as their name', () => {
    const copy = personalise(digest.html, { ...values(1), name: '<img src=x onerror=alert(1)> "Bob" & Co' }, 'html');
    expect(copy).toContain('Hello &lt;img src=x onerror=alert(1)&gt; &#34;Bob&#34; &amp; Co,');
    expect(copy).not.toContain('<img src=x');
  });

  it('personalises in well under 0.1 ms per recipient', () => {
    const n = 20_000;
    const t = performance.now();
    for (let i = 0; i < n; i++) personalise(digest.html, { unsubscribeUrl: `https://news.example.org/api/unsubscribe?token=${i}`, email: `r${i}@example.org`, name: `R ${i}` }, 'html');
    const perRecipient = (performance.now() - t) / n;
    console.log(`personalise: ${(perRecipient * 1000).toFixed(2)} µs per recipient (HTML ${digest.html.segments.join('').length} bytes)`);
    expect(perRecipient).toBeLessThan(0.1);
  });

  it('publishes a web version without personal data', () => {
    expect(digest.web.path).toBe('digests/7/index.html');
    expect(digest.webUrl).toBe('https://news.example.org/digests/7/');
    const web = String(digest.web.content);
    expect(web).not.toMatch(/%%GZ|unsubscribe|reader1|Hello/i);
    expect(web).toContain('Here is what is new on Example News.');
    expect(web).toContain('This is the web version of the Example News digest of November 20, 2026.');
    expect(web).toContain('1 Example Street, Springfield');
    expect(links(web)).toContainEqual(['https://news.example.org/articles/article-1/', 'The council approves library plan number 1']);
  });

  it('is valid HTML but for what email clients need (Outlook\'s VML namespaces and mso- styles), message and web version alike', async () => {
    const tricky = await render({
      ...fullDigestInput(),
      shown: [article(1, { title: '<b>Bold</b> & "quoted" — Ωμέγα 日本 😀', summary: 'A </p> summary with <script>x</script> & more' }), withImage(article(2))],
    });
    const dir = mkdtempSync(join(tmpdir(), 'gazette-digest-html-'));
    try {
      const message = join(dir, 'message.html');
      const web = join(dir, 'web.html');
      writeFileSync(message, personalise(tricky.html, { ...values(1), name: 'Zoë <b>& Co</b>' }, 'html'));
      writeFileSync(web, tricky.web.content);
      const errors = validateHtml(message, web);
      // What MJML writes on purpose for Outlook and Apple Mail, which HTML5 does not know: VML
      // namespaces, mso- styles, and mj-image's height="auto" (Outlook sizes images by it).
      const emailOnly =
        /^Attribute “xmlns:[vo]” not allowed here\.$|^CSS: “(mso-[a-z-]+|supported-color-schemes)”: Property “\1” doesn't exist\.$|^Bad value “auto” for attribute “height” on element “img”/;
      expect(errors.filter((e) => !emailOnly.test(e.message))).toEqual([]);
      expect(new Set(errors.map((e) => e.file))).toEqual(new Set([message, web])); // the email-only ones are there: the check ran
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a readable plain-text part from the same data', () => {
    const text = personalise(digest.text, values(1), 'text');
    expect(text).toContain('Example News: 3 new articles\nNovember 20, 2026\n\nHello Reader 1, here is what is new on Example News.\n');
    expect(text).toContain(
      'The council approves library plan number 1\nBy Ana Lima and Ben Okafor · November 20, 2026\n\nAfter a long debate, the town council voted to extend opening hours at\nthe central library',
    );
    expect(text).toContain('Read the article: https://news.example.org/articles/article-3/\n');
    expect(text).toContain('Unsubscribe: https://news.example.org/api/unsubscribe?token=tok1.sig1\n');
    expect(text).toContain('View in browser: https://news.example.org/digests/7/\n');
    expect(text).toContain('1 Example Street, Springfield\n');
    expect(text).not.toMatch(/<[a-z]|&amp;|\n{3}| \n/);
    for (const line of text.split('\n')) if (!/https?:\/\//.test(line)) expect(line.length).toBeLessThanOrEqual(120);
  });

  it('is deterministic: the same digest renders byte for byte the same', async () => {
    const again = await render();
    expect(again.html).toEqual(digest.html);
    expect(again.text).toEqual(digest.text);
    expect(again.web.content).toBe(digest.web.content);
  });
});

describe('renderDigest with nasty data', () => {
  it('escapes markup in titles and summaries: a <script> title is shown as text', async () => {
    const evil = article(1, {
      title: '<script>alert("x")</script> & <b>bold</b>',
      summary: 'Summary with <iframe src="https://evil.example/"></iframe> and "quotes" & \u0007bell',
      authors: [{ name: '<img src=x onerror=alert(1)>' }],
    });
    const d = await render({ shown: [evil] });
    const html = personalise(d.html, values(1), 'html');
    expect(html).toContain('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('Summary with &lt;iframe src=&#34;https://evil.example/&#34;&gt;&lt;/iframe&gt;');
    expect(html).not.toMatch(/<(script|iframe)\b/i);
    expect(html).not.toContain('onerror=alert(1)>');
    expect(html).not.toContain('\u0007');
    const text = personalise(d.text, values(1), 'text');
    expect(text).toContain('<script>alert("x")</script> & <b>bold</b>');
    expect(String(d.web.content)).not.toMatch(/<(script|iframe)\b/i);
  });

  it('keeps unicode intact everywhere (emoji, CJK, right-to-left, combining marks)', async () => {
    const title = 'Zoë’s 🎉 café — 東京の図書館 — مكتبة — e\u0301';
    const d = await render({ shown: [withImage(article(1, { title, authors: [{ name: 'Ōe Kenzaburō' }] }))], site: { ...(await import('./fixtures.js')).site(), title: 'Gazette 🗞️ Ünïcode' } });
    const html = personalise(d.html, { ...values(1), name: 'Zoë 🦊' }, 'html');
    expect(html).toContain(title);
    expect(html).toContain('Hello Zoë 🦊,');
    expect(html).toContain('By Ōe Kenzaburō');
    expect(d.subject).toBe('Gazette 🗞️ Ünïcode: 1 new article');
    expect(personalise(d.text, values(1), 'text')).toContain(title);
  });

  it('shows dates in the site time zone', async () => {
    const late = article(1, { date: new Date('2026-11-19T23:30:00Z') });
    const berlin = personalise((await render({ shown: [late] })).html, values(1), 'html');
    expect(berlin).toContain('November 20, 2026');
    const { site } = await import('./fixtures.js');
    const ny = personalise((await render({ shown: [late], site: site({ timezone: 'America/New_York' }) })).html, values(1), 'html');
    expect(ny).toContain('November 19, 2026');
  });

  it('links "and N more" to the site when capped, and only then', async () => {
    const d = await render(fullDigestInput());
    const html = personalise(d.html, values(1), 'html');
    expect(links(html)).toContainEqual(['https://news.example.org/', 'And 3 more articles on Example News']);
    expect(personalise(d.text, values(1), 'text')).toContain('And 3 more articles on Example News: https://news.example.org/\n');
    expect(d.subject).toBe('Example News: 13 new articles');
    const plain = personalise((await render()).html, values(1), 'html');
    expect(plain).not.toMatch(/more articles? on/);
  });

  it('stays under 90 KB of HTML for ten articles with summaries and images', async () => {
    const d = await render(fullDigestInput());
    const html = personalise(d.html, values(1), 'html');
    const bytes = Buffer.byteLength(html, 'utf8');
    console.log(`digest HTML, 10 articles with images and summaries: ${(bytes / 1024).toFixed(1)} KB; web version ${(Buffer.byteLength(String(d.web.content)) / 1024).toFixed(1)} KB`);
    expect([...html.matchAll(/<img\b/g)]).toHaveLength(10);
    expect(bytes).toBeLessThan(90 * 1024);
  });
});

describe('the 90 KB budget', () => {
  it('shows fewer cards rather than let Gmail clip the footer, and counts the rest in "and N more"', async () => {
    const shown = Array.from({ length: 40 }, (_, i) => withImage(article(i + 1, { summary: `${'A long summary sentence about the library. '.repeat(12)}` })));
    const d = await render({ shown, more: [article(41)] });
    const html = personalise(d.html, values(1), 'html');
    expect(Buffer.byteLength(html)).toBeLessThan(90 * 1024);
    expect(d.articleCount.shown).toBeLessThan(40);
    expect(d.articleCount.shown).toBeGreaterThan(5);
    expect(d.articleCount.shown + d.articleCount.more).toBe(41);
    expect(d.subject).toBe('Example News: 41 new articles');
    expect(html).toContain(`And ${d.articleCount.more} more articles on Example News`);
    expect(html).toContain('Unsubscribe');
    console.log(`40 long cards: ${d.articleCount.shown} shown, ${(Buffer.byteLength(html) / 1024).toFixed(1)} KB`);
  });
});

describe('template errors', () => {
  it('names the line of an MJML element that does not exist', async () => {
    const source = defaultTemplate().replace('<mj-text mj-class="body"><a href="{{ article.url }}">Read the article</a></mj-text>', '<mj-txt mj-class="body"><a href="{{ article.url }}">Read the article</a></mj-txt>');
    const line = source.split('\n').findIndex((l) => l.includes('<mj-txt')) + 1;
    const e = await templateError(source);
    expect(e.problems[0]).toMatchObject({ file: 'templates/digest.mjml', line });
    expect(e.message).toContain(`templates/digest.mjml:${line}: MJML: <mj-txt>: Element mj-txt doesn't exist`);
  });

  it('names the line of an illegal MJML attribute', async () => {
    const source = defaultTemplate().replace('<mj-section mj-class="card" padding="24px 0" border-top=', '<mj-section mj-class="card" colour="red" padding="24px 0" border-top=');
    const line = source.split('\n').findIndex((l) => l.includes('colour="red"')) + 1;
    const e = await templateError(source);
    expect(e.problems.map((p) => p.line)).toContain(line);
    expect(e.message).toMatch(/Attribute colour is illegal/);
  });

  it('names the line and column of a Liquid error', async () => {
    const source = defaultTemplate().replace('{%- for article in articles %}', '{%- for article in articles %}{{ article.title | shout }}');
    const line = source.split('\n').findIndex((l) => l.includes('| shout')) + 1;
    const e = await templateError(source);
    expect(e.problems[0]).toMatchObject({ file: 'templates/digest.mjml', line });
    expect(e.message).toMatch(new RegExp(`templates/digest\\.mjml:${line}:\\d+: Liquid: undefined filter: shout`));
  });

  it('reports a misspelt variable instead of printing nothing', async () => {
    const e = await templateError(defaultTemplate().replace('{{ site.title }}</a></mj-text>', '{{ site.titel }}</a></mj-text>'));
    expect(e.message).toMatch(/undefined variable|titel/);
  });

  it('refuses a template without an unsubscribe link or postal address', async () => {
    expect((await templateError(defaultTemplate().replace(' · <a href="{{ recipient.unsubscribe_url }}">Unsubscribe</a>', ''))).message).toMatch(/unsubscribe link/);
    expect((await templateError(defaultTemplate().replaceAll('{{ email.postal_address }}', 'Somewhere'))).message).toMatch(/postal address/);
  });

  it('refuses scripts, handlers, iframes, forms and relative links in the template', async () => {
    const body = '<mj-body background-color="#f2f3f5" width="600px" css-class="gz-page">';
    const inject = (raw: string) => defaultTemplate().replace(body, `${body}<mj-raw>${raw}</mj-raw>`);
    expect((await templateError(inject('<script>alert(1)</script>'))).message).toMatch(/<script> is not allowed/);
    expect((await templateError(inject('<div onclick="alert(1)">x</div>'))).message).toMatch(/onclick/);
    expect((await templateError(inject('<iframe src="https://example.org/"></iframe>'))).message).toMatch(/<iframe>/);
    expect((await templateError(inject('<form action="https://example.org/"><input name="q"></form>'))).message).toMatch(/<form>/);
    expect((await templateError(inject('<a href="/about/">About</a>'))).message).toMatch(/must be absolute/);
    expect((await templateError(inject('<a href="javascript:alert(1)">x</a>'))).message).toMatch(/only http\(s\), mailto and tel/);
  });

  it('catches data printed unescaped with | raw when it carries markup', async () => {
    const source = defaultTemplate().replace('>{{ article.title }}</a></mj-text>', '>{{ article.title | raw }}</a></mj-text>');
    try {
      await render({ shown: [article(1, { title: '<script>alert(1)</script>' })], templates: { mjml: { file: 'templates/digest.mjml', source } } });
      throw new Error('expected a refusal');
    } catch (e) {
      expect((e as GazetteError).code).toBe('TEMPLATE');
      expect((e as Error).message).toMatch(/<script> is not allowed/);
    }
  });

  it('refuses a filter that would mangle a per-recipient value', async () => {
    const e = await templateError(defaultTemplate().replace('{{ recipient.email }}', '{{ recipient.email | downcase }}'));
    expect(e.message).toMatch(/filled in per subscriber/);
  });

  it('reports a broken subject template under its config key', async () => {
    try {
      await render({ subject: '{{ count | nope }} new' });
      throw new Error('expected a refusal');
    } catch (e) {
      expect((e as GazetteError).code).toBe('TEMPLATE');
      expect((e as GazetteError).problems[0]?.key).toBe('digest.subject');
    }
  });
});

describe('loading mjml', () => {
  it('happens on the first render, not when the digest module is imported', async () => {
    const { execFile } = await import('node:child_process');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { ROOT } = await import('./fixtures.js');
    const dir = mkdtempSync(join(tmpdir(), 'gazette-lazy-'));
    try {
      const script = join(dir, 'lazy.ts');
      writeFileSync(
        script,
        [
          `import { createRequire } from 'node:module';`,
          `const cache = createRequire(import.meta.url).cache;`,
          `const loaded = () => Object.keys(cache).some((k) => k.includes('/mjml-core/'));`,
          `const digest = await import(${JSON.stringify(join(ROOT, 'src', 'digest', 'index.ts'))});`,
          `const { renderInput } = await import(${JSON.stringify(join(ROOT, 'tests', 'digest', 'fixtures.ts'))});`,
          `const before = loaded();`,
          `await digest.renderDigest(renderInput());`,
          `process.stdout.write(JSON.stringify({ before, after: loaded() }));`,
        ].join('\n'),
      );
      const out = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, [join(ROOT, 'node_modules', 'jiti', 'lib', 'jiti-cli.mjs'), script], { cwd: ROOT }, (e, stdout, stderr) => (e ? reject(new Error(stderr)) : resolve(stdout))),
      );
      expect(JSON.parse(out)).toEqual({ before: false, after: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
