/** The version of an installed package, found from any file inside it. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';

/**
 * Walks up from `dir` to the nearest package.json named `name` and returns its version;
 * 'unreadable' when that file is damaged, 'unknown' when there is none.
 */
export function packageVersionFrom(dir: string, name: string): string {
  for (; dir !== parse(dir).root; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    try {
      const data = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
      if (data.name === name) return String(data.version);
    } catch {
      return 'unreadable';
    }
  }
  return 'unknown';
}
