import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { meaningfulLines, runTool } from './run-tool.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A file of the team's shared/validators/ (RFC 4287 Appendix B): beside the checkout, as CI lays
 * it out, else where sessions have it.
 */
function sharedValidator(name: string): string {
  for (const candidate of [join(REPO, '..', 'shared', 'validators', name), join('/work/shared/validators', name)]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`shared validator ${name} not found beside ${REPO} or in /work/shared/validators`);
}

/** RFC 4287's RELAX NG grammar (compact syntax) and its two Schematron rules. */
export const ATOM_RNC = sharedValidator('atom.rnc');
export const ATOM_SCH = sharedValidator('atom-rfc4287-rules.sch');

function jing(args: readonly string[]): { ok: boolean; errors: string[] } {
  const run = runTool('jing', args);
  const errors = meaningfulLines(`${run.stdout}\n${run.stderr}`);
  const ok = run.code === 0;
  return { ok, errors: ok ? [] : errors.length > 0 ? errors : [`jing exited with ${run.code}`] };
}

/**
 * Atom 1.0 validation with jing: the RELAX NG grammar (compact syntax) and the Schematron 1.5
 * rules, which jing runs natively (through Saxon). Schematron messages carry no file name, so on
 * failure each file is checked alone to say which one broke a rule. Empty result = valid.
 */
export function validateAtom(...files: string[]): string[] {
  if (files.length === 0) throw new Error('validateAtom: no files given');
  const grammar = jing(['-c', ATOM_RNC, ...files]);
  const rules = jing([ATOM_SCH, ...files]);
  let ruleErrors = rules.errors;
  if (!rules.ok && files.length > 1) {
    ruleErrors = files.flatMap((file) => jing([ATOM_SCH, file]).errors.map((e) => `${file}: ${e}`));
  } else if (!rules.ok) {
    ruleErrors = rules.errors.map((e) => `${files[0]}: ${e}`);
  }
  return [...grammar.errors, ...ruleErrors];
}
