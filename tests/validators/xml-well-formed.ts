import { meaningfulLines, runTool } from './run-tool.js';

/**
 * libxml2's verdict on each file: well-formed XML 1.0 with namespaces, nothing fetched from the
 * network. Returns one entry per error, "file:line: parser error : message" followed by the source
 * excerpt xmllint prints; empty means every file is well-formed.
 */
export function validateXmlWellFormed(...files: string[]): string[] {
  if (files.length === 0) throw new Error('validateXmlWellFormed: no files given');
  const run = runTool('xmllint', ['--noout', '--nonet', ...files]);
  const errors: string[] = [];
  for (const line of meaningfulLines(run.stderr)) {
    const startsError = files.some((f) => line.startsWith(`${f}:`));
    if (startsError || errors.length === 0) errors.push(line);
    else errors[errors.length - 1] += `\n${line}`;
  }
  if (run.code !== 0 && errors.length === 0) return [`xmllint exited with ${run.code}`];
  return errors;
}
