// The one check every output path passes before the writer touches out/, and its fast path.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import { checkOutputPath, outputPathProblem } from '../../src/output/output-path.js';

/** The full checks, without the fast path: what outputPathProblem said before it had one. */
function fullCheck(path: string): string | null {
  if (path === '') return 'empty';
  if (path.startsWith('/')) return 'absolute';
  if (path.includes('\\')) return 'backslash';
  if (/^[A-Za-z]:/.test(path)) return 'drive';
  if (/[\u0000-\u001f\u007f\\:*?"<>|]/.test(path)) return 'character';
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..' || Buffer.byteLength(segment) > 255) return 'segment';
  }
  return null;
}

describe('output paths', () => {
  it('accepts what a build produces and rejects what could leave out/ or break a file system', () => {
    for (const ok of ['index.html', 'articles/my-post/index.html', 'tags/c++/feed.xml', 'tags/überblick/atom.xml', 'archive/2026/11/index.html', '.well-known/x', 'a/.hidden']) {
      expect(checkOutputPath(ok)).toBe(ok);
    }
    const bad: Record<string, RegExp> = {
      '': /empty/,
      '/etc/passwd': /absolute/,
      'a\\b': /backslash/,
      'C:/x': /drive path/,
      'a/../b': /"\.\." segment/,
      './a': /"\." segment/,
      'a//b': /empty segment/,
      'a/': /empty segment/,
      'a\u0000b': /not allowed/,
      'ab:c': /not allowed/,
      [`${'x'.repeat(256)}/y`]: /longer than 255 bytes/,
      [`${'é'.repeat(128)}`]: /longer than 255 bytes/,
    };
    for (const [path, message] of Object.entries(bad)) {
      expect(() => checkOutputPath(path), JSON.stringify(path)).toThrow(GazetteError);
      expect(outputPathProblem(path), JSON.stringify(path)).toMatch(message);
    }
  });

  it('answers as the full checks do for any path, fast path or not (fast-check)', () => {
    const piece = fc.oneof(fc.constantFrom('a', 'z9', '.', '..', '-', '_', '/', '//', 'é', ':', '\\', '\u0000', 'index.html', 'C:', 'x'.repeat(120)), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }).map((p) => p.join('')), (path) => {
        expect(outputPathProblem(path) === null).toBe(fullCheck(path) === null);
      }),
      { numRuns: 2000, seed: 4242 },
    );
  });
});
