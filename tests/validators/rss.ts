import { fileURLToPath } from 'node:url';
import { runTool } from './run-tool.js';

const SCRIPT = fileURLToPath(new URL('./rss-profile.py', import.meta.url));

/**
 * RSS 2.0 + RSS Advisory Board profile checks (see rss-profile.py) on each file, read by a
 * namespace-aware XML parser. Returns "file: problem" lines; empty means valid.
 */
export function validateRss(...files: string[]): string[] {
  if (files.length === 0) throw new Error('validateRss: no files given');
  const run = runTool('/usr/bin/python3', [SCRIPT, ...files]);
  if (run.code !== 0) throw new Error(`rss-profile.py failed: ${run.stderr}`);
  const results = JSON.parse(run.stdout) as Array<{ path: string; errors: string[] }>;
  return results.flatMap((r) => r.errors.map((e) => `${r.path}: ${e}`));
}
