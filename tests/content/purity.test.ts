import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const DIR = new URL('../../src/content/', import.meta.url);
/** Only the loader touches the disk; everything it calls is pure. */
const IO_MODULES = new Set(['load-content.ts', 'content-files.ts']);

describe('src/content', () => {
  it('parses without the file system or the clock (only the loader reads files)', async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('parse-article.ts');
    for (const file of files) {
      const source = await readFile(new URL(file, DIR), 'utf8');
      expect(source, file).not.toMatch(/new Date\(\)|Date\.now\(|performance\.now\(/);
      if (!IO_MODULES.has(file)) expect(source, file).not.toMatch(/from 'node:fs|from "node:fs|require\(/);
    }
  });

  it('imports nothing of ours but the model and the error type', async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.ts'));
    for (const file of files) {
      const source = await readFile(new URL(file, DIR), 'utf8');
      for (const [, spec] of source.matchAll(/from '(\.\.\/[^']+)'/g)) {
        expect(['../errors.js', '../model/index.js'], `${file} imports ${spec}`).toContain(spec);
      }
    }
  });
});
