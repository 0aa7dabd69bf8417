import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { OutputFile } from '../../src/model/index.js';

export interface WrittenFiles {
  readonly dir: string;
  /** Absolute path of each written file, by its out/ path. */
  readonly paths: ReadonlyMap<string, string>;
  /** Absolute path of one written file; throws when there is no such output. */
  path(outPath: string): string;
  cleanup(): void;
}

/** Writes renderer output into a fresh temporary folder, as the build would under out/. */
export function writeOutputFiles(files: readonly OutputFile[]): WrittenFiles {
  const dir = mkdtempSync(join(tmpdir(), 'gazette-out-'));
  const paths = new Map<string, string>();
  for (const file of files) {
    const target = join(dir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    paths.set(file.path, target);
  }
  return {
    dir,
    paths,
    path(outPath: string): string {
      const p = paths.get(outPath);
      if (!p) throw new Error(`no output file ${outPath}; have ${[...paths.keys()].join(', ')}`);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
