import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeQuotedPrintable } from '../../src/digest/quoted-printable.js';
import { relaxedBody } from '../../src/digest/dkim.js';
import { encodedWords, encodeUnstructured, formatDate, headerLine } from '../../src/digest/mime-header.js';

/** RFC 2045 decoding, written independently of the encoder. */
function decode(qp: string): string {
  const text = qp.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (text[i] === '\r' && text[i + 1] === '\n') {
      bytes.push(0x0a);
      i++;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const tricky = fc.string({ unit: fc.constantFrom(' ', ' ', '\t', '\n', '\r\n', '\r', '.', 'F', 'rom ', '=', 'a', 'é', '🎉', '東', '\u0000', '\u00a0'), maxLength: 300 });
const anything = fc.string({ unit: 'grapheme', maxLength: 400 });

describe('quoted-printable', () => {
  it('round-trips any text, with CRLF line ends', () => {
    fc.assert(
      fc.property(fc.oneof(tricky, anything), (text) => {
        expect(decode(encodeQuotedPrintable(text))).toBe(text.replace(/\r\n/g, '\n'));
      }),
      { numRuns: 3000 },
    );
  });

  it('writes short lines of 7-bit text already in DKIM relaxed form, never starting with "." or "From "', () => {
    fc.assert(
      fc.property(fc.oneof(tricky, anything), (text) => {
        const qp = encodeQuotedPrintable(text);
        expect(qp).toMatch(/^[\x20-\x7e\r\n]*$/);
        expect(qp).not.toMatch(/[^\r]\n|\r(?!\n)/);
        for (const line of qp.split('\r\n')) {
          expect(line.length).toBeLessThanOrEqual(76);
          expect(line).not.toMatch(/[ \t]$|[ \t]{2}|^\.|^From /);
        }
        const body = `${qp}\r\nx\r\n`;
        expect(relaxedBody(body)).toBe(body);
      }),
      { numRuns: 3000 },
    );
  });

  it('joins separately encoded pieces with soft breaks into the original text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(tricky, anything), { maxLength: 6 }), (pieces) => {
        const joined = pieces.map(encodeQuotedPrintable).join('=\r\n');
        // Each piece's own CRLFs become line ends; a CR ending one piece stays a CR.
        expect(decode(joined)).toBe(pieces.map((p) => p.replace(/\r\n/g, '\n')).join(''));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('header encoding', () => {
  it('splits encoded-words between characters, never inside one', () => {
    fc.assert(
      fc.property(anything, (text) => {
        const words = encodedWords(text);
        if (!text) return;
        for (const w of words.split('\r\n ')) {
          expect(w.length).toBeLessThanOrEqual(75);
          const b64 = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=$/.exec(w)![1]!;
          const bytes = Buffer.from(b64, 'base64');
          expect(Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('folds a long subject at spaces and encodes one with non-ASCII characters', () => {
    const long = headerLine('Subject', encodeUnstructured('Example News: '.repeat(12)));
    expect(long.split('\r\n').every((l) => l.length <= 78)).toBe(true);
    expect(long.replace(/\r\n /g, ' ')).toBe(`Subject: ${'Example News: '.repeat(12).trim()}\r\n`);
    expect(encodeUnstructured('Café news\r\nBcc: x@example.org')).toMatch(/^=\?UTF-8\?B\?/);
    expect(encodeUnstructured('Plain =?not-a-word?= subject')).toMatch(/^=\?UTF-8\?B\?/);
  });

  it('writes RFC 5322 dates in UTC', () => {
    expect(formatDate(new Date('2026-03-01T07:05:09Z'))).toBe('Sun, 01 Mar 2026 07:05:09 +0000');
  });
});
