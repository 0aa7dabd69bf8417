/**
 * Turns Liquid and MJML failures into GazetteError('TEMPLATE') naming the template file and line.
 * Liquid knows its own positions. MJML validates the Liquid *output*, whose lines shift where loops
 * repeat; its errors are mapped back to the template line they came from by matching the offending
 * rendered line against the template's lines (the static text around each `{{ }}` / `{% %}`).
 */
import { GazetteError, type Problem } from '../errors.js';

export interface TemplateRef {
  /** Shown in messages: a path relative to the site root; empty for a template held in the config. */
  readonly file: string;
  readonly source: string;
  /** Set when the template is a config value ("digest.subject") rather than a file. */
  readonly key?: string;
}

interface LiquidLikeError extends Error {
  token?: { getPosition?: () => [number, number] };
}

export function liquidTemplateError(e: unknown, ref: TemplateRef): GazetteError {
  const err = e as LiquidLikeError;
  const raw = String(err?.message ?? e);
  const position = err?.token?.getPosition?.();
  const fromMessage = /line:(\d+), col:(\d+)/.exec(raw);
  const line = position?.[0] ?? (fromMessage ? Number(fromMessage[1]) : undefined);
  const column = position?.[1] ?? (fromMessage ? Number(fromMessage[2]) : undefined);
  let message = raw.replace(/,? line:\d+, col:\d+.*$/s, '').trim();
  if (/Failed to lookup/.test(message)) message += ' (digest templates cannot include other files; put the markup in the template itself)';
  const problem: Problem = {
    ...(ref.file ? { file: ref.file } : {}),
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
    ...(ref.key ? { key: ref.key } : {}),
    message: `Liquid: ${message}`,
  };
  return GazetteError.fromProblems('TEMPLATE', `${ref.file || ref.key}: the template does not render`, [problem]);
}

interface MjmlValidationEntry {
  line?: number;
  message?: string;
  tagName?: string;
}

export function mjmlTemplateError(e: unknown, ref: TemplateRef, rendered: string): GazetteError {
  const entries = (e as { errors?: MjmlValidationEntry[] })?.errors;
  if (!Array.isArray(entries) || entries.length === 0) {
    const message = String((e as Error)?.message ?? e).replace(/^Error:\s*/, '');
    return GazetteError.fromProblems('TEMPLATE', `${ref.file}: the MJML does not compile`, [{ file: ref.file, message: `MJML: ${message}` }]);
  }
  const renderedLines = rendered.split('\n');
  const problems: Problem[] = entries.map((entry) => {
    const renderedLine = entry.line ? renderedLines[entry.line - 1] : undefined;
    const line = renderedLine !== undefined ? templateLineFor(ref.source, renderedLine, entry.tagName) : undefined;
    const where = line === undefined && renderedLine !== undefined ? ` (in the rendered MJML: ${JSON.stringify(renderedLine.trim().slice(0, 80))})` : '';
    return {
      file: ref.file,
      ...(line !== undefined ? { line } : {}),
      message: `MJML: ${entry.tagName ? `<${entry.tagName}>: ` : ''}${entry.message ?? 'invalid'}${where}`,
    };
  });
  // A mistake inside a loop is reported once per iteration by MJML; once is enough here.
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.line}\0${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return GazetteError.fromProblems('TEMPLATE', `${ref.file}: the MJML is not valid`, unique);
}

/**
 * 1-based template line that produced `renderedLine`, or undefined when it cannot be told: first a
 * line whose static text, with any Liquid in between, matches the whole rendered line; else the line
 * with the longest static beginning (the text before its first Liquid tag) that the rendered line
 * starts with; else the only line holding the tag.
 */
export function templateLineFor(source: string, renderedLine: string, tagName?: string): number | undefined {
  const target = renderedLine.trim();
  const lines = source.split('\n');
  let best: { line: number; length: number } | undefined;
  let tagLine: number | undefined;
  let tagLines = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || /^\{%.*%\}$/.test(line)) continue;
    const matcher = lineMatcher(line);
    if (matcher && matcher.test(target)) return i + 1;
    const prefix = line.split(/\{\{|\{%/)[0]!.trim();
    if (prefix.length >= 8 && target.startsWith(prefix) && (!best || prefix.length > best.length)) best = { line: i + 1, length: prefix.length };
    if (tagName && line.includes(`<${tagName}`)) {
      tagLine ??= i + 1;
      tagLines++;
    }
  }
  if (best) return best.line;
  return tagLines === 1 ? tagLine : undefined;
}

/** Null for a line with too little static text to recognise it by. */
function lineMatcher(line: string): RegExp | null {
  const parts = line.split(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/);
  if (parts.join('').trim().length < 3) return null;
  const pattern = parts.map((p) => p.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+')).join('[\\s\\S]*?');
  return new RegExp(`^\\s*${pattern}\\s*$`);
}
