// Real site folders built in-process by runBuild (the TypeScript sources: parsing runs on the main
// thread here; tests/build/parse-pool.test.ts covers the worker threads through dist/).
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runBuild, type BuildOptions, type BuildReport } from '../../src/commands/build.js';
import type { Reporter } from '../../src/commands/command-result.js';
import { loadConfig } from '../../src/config/index.js';
import { article, baseConfig, makeSite } from '../helpers/site.js';
import { snapshot } from '../helpers/tree.js';

export { article, settle } from '../helpers/site.js';
export { mtimes, snapshot, walk } from '../helpers/tree.js';

export const NOW = new Date('2026-11-20T12:00:00Z');

export type TestSite = ReturnType<typeof makeSite>;

/** A small site with tags, a draft, a future article and a dateless text article. */
export function sampleFiles(): Record<string, string> {
  return {
    'content/alpha.md': article('Alpha', '2026-01-05T10:00:00Z', 'Alpha body with [a link](/x/) and ![img](pic.png).', 'tags: [News, Überblick]\n'),
    'content/beta.md': article('Beta', '2026-02-01', 'Beta body.\n\n- one\n- two', 'tags: [News]\n'),
    'content/gamma.md': article('Gamma', '2026-03-01', 'Gamma body.', 'tags: [Science]\nauthor: Ada\n'),
    'content/draft.md': article('Draft', '2026-02-02', 'Not yet.', 'draft: true\n'),
    'content/future.md': article('Future', '2026-12-24', 'Later.', 'tags: [News]\n'),
    'content/2026/notes.txt': 'By Jo Writer\nA dateless note with no title. It has a second sentence.\n',
  };
}

export interface Built {
  readonly report: BuildReport;
  readonly warnings: string[];
}

export async function build(root: string, options: BuildOptions = {}): Promise<Built> {
  const warnings: string[] = [];
  const reporter: Reporter = { warn: (m) => warnings.push(m), info: () => {} };
  const config = await loadConfig({ root });
  const report = await runBuild(config, reporter, { now: NOW, ...options });
  return { report, warnings };
}

/**
 * The same site built from scratch: content, config, templates, static files and the first-seen
 * ledger (gazette.db) copied, but no out/, no output manifest and no build cache.
 */
export async function scratchBuild(site: TestSite, sites: TestSite[], options: BuildOptions = {}): Promise<Record<string, string>> {
  const fresh = makeSite({ config: baseConfig() });
  sites.push(fresh);
  for (const name of ['content', 'templates', 'static', 'gazette.config.json']) {
    if (existsSync(join(site.root, name))) cpSync(join(site.root, name), join(fresh.root, name), { recursive: true });
  }
  if (existsSync(join(site.root, '.gazette/gazette.db'))) cpSync(join(site.root, '.gazette/gazette.db'), join(fresh.root, '.gazette/gazette.db'));
  await build(fresh.root, options);
  return snapshot(join(fresh.root, 'out'));
}

