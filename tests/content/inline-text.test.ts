// One-line text for titles, summaries and names: NFC, whitespace runs collapsed, trimmed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapseWhitespace } from '../../src/content/inline-text.js';

describe('collapseWhitespace', () => {
  it('normalises to NFC and makes every whitespace run one space', () => {
    expect(collapseWhitespace('  Caf\u0065\u0301 \t au\n\nlait\u00a0\u2028ok\u3000 ')).toBe('Café au lait ok');
    expect(collapseWhitespace('already plain text')).toBe('already plain text');
    expect(collapseWhitespace('\ufeffBOM  and\r\nCRLF')).toBe('BOM and CRLF');
    expect(collapseWhitespace('')).toBe('');
  });

  it('gives what the plain definition gives, for any text (fast-check)', () => {
    const piece = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2028', '\u3000', '\ufeff', 'e\u0301', 'A\u030a', 'x'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }).map((p) => p.join('')), (text) => {
        expect(collapseWhitespace(text)).toBe(text.normalize('NFC').replace(/\s+/gu, ' ').trim());
      }),
      { numRuns: 3000, seed: 2611 },
    );
  });
});
