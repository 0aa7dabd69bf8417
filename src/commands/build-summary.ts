/**
 * What a build reports, as text and JSON, and which templates it uses: shared by the full build
 * (build.ts) and the no-change shortcut (build-shortcut.ts), which must not load the build itself.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import type { Article } from '../model/index.js';
import { BUILTIN_TEMPLATES_DIR } from '../output/load-templates.js';
import type { CommandResult } from './command-result.js';

/** Gazette's own templates, used when the site has no templates/ folder of its own. */
export const DEFAULT_TEMPLATES = BUILTIN_TEMPLATES_DIR;

export interface BuildReport {
  readonly articles: number;
  readonly published: number;
  readonly heldBack: number;
  readonly tags: number;
  readonly written: number;
  readonly unchanged: number;
  readonly removed: number;
  /**
   * Files parsed by this build: changed articles, and unchanged ones whose body a re-rendered
   * page or feed needed and the state store did not keep.
   */
  readonly parsed: number;
  /** Output files rendered by this build; the others were unchanged on disk and left alone. */
  readonly rendered: number;
  readonly warnings: readonly string[];
  readonly durationMs: number;
  /**
   * Where the time went: finding and parsing the content; rendering (with the bodies it needed);
   * writing out/ (comparing, writing, cleaning); saving the caches.
   */
  readonly timings: { readonly contentMs: number; readonly renderMs: number; readonly writeMs: number; readonly cacheMs: number };
  /**
   * The published articles, newest first: what the digest step selects from. The body (`html`) of
   * an article unchanged since the last build is parsed again when first read.
   */
  readonly publishedArticles: readonly Article[];
  /**
   * True when the build proved, by stat alone, that nothing changed since the last one and did
   * nothing else (build-stamp.ts); `publishedArticles` is then empty.
   */
  readonly upToDate?: boolean;
}

/** The site's static/ folder, copied into out/ as it is. */
export function staticDir(config: Config): string {
  return join(config.paths.root, 'static');
}

export function templatesDir(config: Config): string {
  return existsSync(join(config.paths.templates, 'layout.liquid')) ? config.paths.templates : DEFAULT_TEMPLATES;
}

export function buildJson(report: BuildReport): Record<string, unknown> {
  const { publishedArticles: _omit, ...rest } = report;
  return { ...rest, durationMs: Math.round(report.durationMs), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

/** What `gazette build` prints. */
export function buildResult(report: BuildReport): CommandResult {
  return { exitCode: 0, text: summariseBuild(report), json: buildJson(report) };
}

export function summariseBuild(r: BuildReport): string {
  const held = r.heldBack ? `, ${r.heldBack} held back` : '';
  return (
    `${r.articles} article${r.articles === 1 ? '' : 's'} read: ${r.published} published${held}; ` +
    `${r.written} file${r.written === 1 ? '' : 's'} written, ${r.removed} removed, ${r.unchanged} unchanged` +
    `${r.upToDate ? ' (nothing changed since the last build)' : ''} in ${(r.durationMs / 1000).toFixed(2)} s`
  );
}
