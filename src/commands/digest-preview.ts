/**
 * `gazette digest`: render the next digest into .gazette/preview/ (html, txt, eml) exactly as a
 * subscriber would get it, without sending, recording or publishing anything.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { writeFileAtomic } from '../output/index.js';
import { openStore } from '../state/index.js';
import { runBuild } from './build.js';
import type { CommandResult, Reporter } from './command-result.js';
import { composeMailFromConfig, planDigest, renderPlannedDigest, requireEmail } from './digest-job.js';

/** Who the preview is addressed to: a reserved domain, so the preview can never reach anyone. */
const PREVIEW_RECIPIENT = { email: 'reader@example.invalid', name: 'Preview Reader' };

export async function digestPreviewCommand(config: Config, reporter: Reporter, now = new Date(), env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  requireEmail(config);
  const store = openStore(config.paths.root);
  try {
    const build = await runBuild(config, reporter, { now, dryRun: true, store });
    const plan = planDigest(config, store, build.publishedArticles, now);
    if (plan.selection.shown.length === 0) return { exitCode: 0, text: 'no digest: nothing new since the last one', json: { digest: null } };
    const rendered = await renderPlannedDigest(config, plan);
    const mail = composeMailFromConfig(config, rendered, env);
    const dir = join(config.paths.state, 'preview');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const files = {
      html: join(dir, 'digest.html'),
      text: join(dir, 'digest.txt'),
      eml: join(dir, 'digest.eml'),
    };
    const html = mail.htmlFor(PREVIEW_RECIPIENT);
    writeFileAtomic(files.html, html);
    writeFileAtomic(files.text, mail.textFor(PREVIEW_RECIPIENT));
    const message = mail.messageFor(PREVIEW_RECIPIENT);
    writeFileAtomic(files.eml, message.raw);
    const { shown, more } = plan.selection;
    const htmlKb = Buffer.byteLength(html) / 1024;
    return {
      exitCode: 0,
      text:
        `preview of the next digest (${shown.length} article${shown.length === 1 ? '' : 's'}${more.length ? ` and ${more.length} more` : ''}, ` +
        `subject "${rendered.subject}", HTML ${htmlKb.toFixed(1)} KB) in ${dir}: digest.html, digest.txt, digest.eml`,
      json: { digest: { subject: rendered.subject, articles: shown.length, more: more.length, htmlBytes: Math.round(htmlKb * 1024), files } },
    };
  } finally {
    store.close();
  }
}
