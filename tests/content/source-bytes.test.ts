import { describe, expect, it } from 'vitest';
import { bytes, markdownFile, parse, parseError } from './fixtures.js';

const FILE = 'content/test-article.md';

describe('bytes of an article file', () => {
  it('strips a BOM and reads CRLF and CR line endings as LF', () => {
    const text = '\uFEFF---\r\ntitle: Windows\r\ndate: 2026-01-01\r\n---\r\nFirst line\r\nsame paragraph\r\rSecond paragraph\r\n';
    const { article } = parse(text);
    expect(article.title).toBe('Windows');
    expect(article.html).toBe('<p>First line\nsame paragraph</p>\n<p>Second paragraph</p>\n');
    expect(article.html).not.toMatch(/[\r\uFEFF]/);
  });

  it('removes characters XML forbids, warning with file and line', () => {
    const text = markdownFile('title: "Bell\u0007 title"\ndate: 2026-01-01', 'Clean line.\n\nNull\u0000 and escape\u001B and \uFFFF here.\n');
    const { article, warnings } = parse(text);
    expect(article.title).toBe('Bell title');
    expect(article.html).toBe('<p>Clean line.</p>\n<p>Null and escape and  here.</p>\n');
    expect(warnings).toEqual([
      { file: FILE, line: 2, message: 'removed characters that XML does not allow (U+0007)' },
      { file: FILE, line: 7, message: 'removed characters that XML does not allow (U+0000, U+001B, U+FFFF)' },
    ]);
  });

  it('turns numeric references to forbidden characters into U+FFFD, in Markdown and in raw HTML', () => {
    const html = parse(markdownFile('title: T\ndate: 2026-01-01', 'a&#1;b &#xFFFE; c\n\n<span>d&#1;e&#x0B;</span>\n')).article.html;
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    expect(html).toBe('<p>a\uFFFDb \uFFFD c</p>\n<p><span>d\uFFFDe\uFFFD</span></p>\n');
  });

  it('keeps "]]>" as text, escaped, so it cannot end a CDATA section', () => {
    const { article } = parse(markdownFile('title: "a ]]> b"\ndate: 2026-01-01', 'x ]]> y\n\n<p>z ]]> w</p>\n'));
    expect(article.title).toBe('a ]]> b');
    expect(article.html).not.toContain(']]>');
    expect(article.html).toContain('x ]]&gt; y');
    expect(article.html).toContain('z ]]&gt; w');
  });

  it('rejects bytes that are not UTF-8, naming the line of the first bad byte', () => {
    const latin1 = Uint8Array.from([...bytes('---\ntitle: T\ndate: 2026-01-01\n---\nok\nCaf'), 0xe9, 0x0a]);
    const err = parseError(() => parse(latin1));
    expect(err.code).toBe('CONTENT');
    expect(err.problems).toEqual([
      { file: FILE, line: 6, message: 'not valid UTF-8: byte 0xE9 on line 6 is not part of a UTF-8 character; save the file as UTF-8' },
    ]);
  });

  it('finds the bad byte after valid multi-byte characters, and a truncated sequence at the end', () => {
    const overlong = Uint8Array.from([...bytes('é\n€\n'), 0xc0, 0xaf]);
    expect(parseError(() => parse(overlong)).problems[0]).toMatchObject({ line: 3 });
    const truncated = Uint8Array.from([...bytes('a\nb\nc'), 0xe2, 0x82]);
    expect(parseError(() => parse(truncated)).problems[0]).toMatchObject({ line: 3, message: expect.stringContaining('0xE2') });
  });

  it('says so for UTF-16', () => {
    const utf16 = Uint8Array.from([0xff, 0xfe, 0x41, 0x00]);
    expect(parseError(() => parse(utf16)).problems[0]!.message).toContain('UTF-16');
  });

  it('rejects an empty or whitespace-only file', () => {
    for (const text of ['', '\uFEFF', ' \n\t\r\n  \n']) {
      const err = parseError(() => parse(text));
      expect(err.problems).toEqual([{ file: FILE, message: expect.stringMatching(/^empty file/) }]);
    }
  });

  it('parses a 400 KB article completely', () => {
    const paragraph = 'A long report with [a link](/archive/) and **bold** text about the harbour. '.repeat(8);
    const body = Array.from({ length: 700 }, (_, i) => `## Part ${i}\n\n${paragraph}\n`).join('\n');
    expect(body.length).toBeGreaterThan(400_000);
    const { article } = parse(markdownFile('title: Long\ndate: 2026-01-01', body));
    expect(article.html.match(/<h2>/g)).toHaveLength(700);
    expect(article.html).toContain('<h2>Part 699</h2>');
    expect(article.html.match(/href="https:\/\/news\.example\.org\/archive\/"/g)).toHaveLength(5600);
  });
});
