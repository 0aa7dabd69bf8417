// The URL → path rules on their own: the first of the two walls (the second is realpath, tested
// over HTTP in static.test.ts), so each must hold without the other.
import { resolve, sep } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequestPath, pathOfTarget } from '../../src/server/request-path.js';

describe('parseRequestPath', () => {
  it('accepts plain paths and decodes them once', () => {
    expect(parseRequestPath('/')).toEqual({ ok: true, segments: [], directory: true });
    expect(parseRequestPath('/feed.xml')).toEqual({ ok: true, segments: ['feed.xml'], directory: false });
    expect(parseRequestPath('/tags/%C3%BCberblick/')).toEqual({ ok: true, segments: ['tags', 'überblick'], directory: true });
    expect(parseRequestPath('/a%20b/c%25d')).toEqual({ ok: true, segments: ['a b', 'c%d'], directory: false });
  });

  it.each([
    '',
    'feed.xml',
    '/..',
    '/../x',
    '/a/../x',
    '/./x',
    '/%2e%2e/x',
    '/%2E%2e/x',
    '/.%2e/x',
    '/%252e%252e/x',
    '/a%2fb',
    '/a%2Fb',
    '/a%5cb',
    '/a%255cb',
    '/a%252fb',
    '/a\\b',
    '/a%00',
    '/a%2500',
    '/a\u0000',
    '/a%0d%0aSet-Cookie:x',
    '//etc/passwd',
    '/a//b',
    '/.env',
    '/.well-known/x',
    '/a/.git/config',
    '/%c0%ae%c0%ae/x',
    '/%',
    '/%zz',
    `/${'x'.repeat(3000)}`,
  ])('refuses %j', (path) => {
    expect(parseRequestPath(path).ok).toBe(false);
  });

  it('never yields a path that leaves its base, for any input', () => {
    const base = resolve('/srv/out');
    const piece = fc.oneof(
      fc.constantFrom('..', '.', '%2e', '%2E', '%252e', '%2f', '%5c', '%00', '%25', '\\', '/', 'a', 'b.html', '%c0%ae', '.x'),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const parsed = parseRequestPath(`/${pieces.join('')}`);
        if (!parsed.ok) return;
        const full = resolve(base, ...parsed.segments);
        expect(full === base || full.startsWith(base + sep)).toBe(true);
        for (const s of parsed.segments) {
          expect(s.startsWith('.')).toBe(false);
          expect(/[\\/\u0000]/.test(s)).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('pathOfTarget', () => {
  it('drops the query and fragment', () => {
    expect(pathOfTarget('/a/b?x=1#f')).toBe('/a/b');
    expect(pathOfTarget('/a#f?x')).toBe('/a');
    expect(pathOfTarget('/a')).toBe('/a');
  });
});
