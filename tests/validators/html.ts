import { createRequire } from 'node:module';
import { runTool } from './run-tool.js';

// vnu-jar is the W3C's Nu Html Checker (the engine of validator.w3.org/nu), run locally on Java.
const VNU_JAR = createRequire(import.meta.url)('vnu-jar') as string;

export interface HtmlError {
  readonly file: string;
  readonly line: number | undefined;
  readonly message: string;
}

/**
 * HTML5 validation with the W3C Nu Html Checker: every error in `files` (folders are searched for
 * .html files). Warnings and notes are not errors. Empty result = valid.
 */
export function validateHtml(...files: string[]): HtmlError[] {
  if (files.length === 0) throw new Error('validateHtml: no files given');
  const run = runTool('java', ['-jar', VNU_JAR, '--errors-only', '--skip-non-html', '--format', 'json', ...files]);
  // vnu prints its JSON report on stderr and exits 1 when there are errors.
  let report: { messages?: { type?: string; url?: string; lastLine?: number; message?: string }[] };
  try {
    report = JSON.parse(run.stderr) as typeof report;
  } catch {
    throw new Error(`vnu did not report (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return (report.messages ?? [])
    .filter((m) => m.type === 'error' || m.type === 'non-document-error')
    .map((m) => ({ file: (m.url ?? '').replace(/^file:/, ''), line: m.lastLine, message: m.message ?? '' }));
}
