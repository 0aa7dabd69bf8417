/**
 * `gazette check`: every problem in config, content and templates, at once; writes nothing
 * (not even the state database: a missing one is treated as empty).
 */
import { siteFromConfig, type Config } from '../config/index.js';
import { isPublished, loadContent } from '../content/index.js';
import { formatProblem, isGazetteError, type Problem } from '../errors.js';
import { loadTemplates } from '../output/index.js';
import { createPageRenderer } from '../render/pages.js';
import { openStore } from '../state/index.js';
import { templatesDir } from './build.js';
import type { CommandResult, Reporter } from './command-result.js';

export async function checkCommand(config: Config, _reporter: Reporter, now: Date = new Date()): Promise<CommandResult> {
  const site = siteFromConfig(config);
  const store = openStore(config.paths.root, { readonly: true });
  const problems: Problem[] = [];
  let articles = 0;
  let published = 0;
  let warnings: Problem[] = [];
  try {
    const content = await loadContent({ root: config.paths.root, dir: config.paths.content, site, ledger: store, now });
    problems.push(...content.problems);
    warnings = content.warnings;
    articles = content.articles.length;
    published = content.articles.filter((a) => isPublished(a, now)).length;
  } finally {
    store.close();
  }
  try {
    createPageRenderer(await loadTemplates(templatesDir(config)));
  } catch (e) {
    if (!isGazetteError(e)) throw e;
    problems.push(...(e.problems.length ? e.problems : [{ message: e.message }]));
  }
  const lines = [
    ...problems.map((p) => `error: ${formatProblem(p)}`),
    ...warnings.map((w) => `warning: ${formatProblem(w)}`),
    problems.length === 0
      ? `ok: ${articles} article${articles === 1 ? '' : 's'} (${published} published), config and templates valid`
      : `${problems.length} problem${problems.length === 1 ? '' : 's'} found`,
  ];
  return {
    exitCode: problems.length === 0 ? 0 : 1,
    text: lines.join('\n'),
    json: { ok: problems.length === 0, articles, published, problems, warnings },
  };
}
