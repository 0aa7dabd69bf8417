/**
 * Splits YAML front matter (between `---` lines at the very top) from the body and parses it as
 * YAML 1.2, where `no` stays a string and dates stay strings. Every problem carries its line in the
 * FILE: YAML line n is file line n + 1, because of the opening `---`.
 */
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { Problem } from '../errors.js';

export interface FrontMatterEntry {
  readonly value: unknown;
  /** Line of the key in the file. */
  readonly line: number;
}

export interface FrontMatter {
  /** Every key, in file order. */
  readonly entries: ReadonlyMap<string, FrontMatterEntry>;
  /** Line in the file of the value at `path` (["authors", 1, "email"]), else of its top-level key. */
  lineOf(path: readonly (string | number)[]): number | undefined;
  readonly body: string;
  /** Line in the file where the body starts. */
  readonly bodyFirstLine: number;
  /**
   * False when the front matter could not be read as a whole (bad YAML, not a mapping, never
   * closed): a key missing from `entries` may then be present in the file.
   */
  readonly readable: boolean;
}

const OPENING = /^---[ \t]*$/;
const CLOSING = /^(?:---|\.\.\.)[ \t]*$/;

export function readFrontMatter(text: string, file: string): { frontMatter: FrontMatter; problems: Problem[] } {
  const without = (body: string, bodyFirstLine: number, problems: Problem[]) => ({
    frontMatter: { entries: new Map(), lineOf: () => undefined, body, bodyFirstLine, readable: problems.length === 0 },
    problems,
  });
  const firstBreak = text.indexOf('\n');
  if (!OPENING.test(firstBreak === -1 ? text : text.slice(0, firstBreak))) return without(text, 1, []);

  // Find the closing line without splitting the whole (possibly large) file into lines.
  let line = 1;
  let at = firstBreak + 1;
  let closing: { start: number; end: number } | undefined;
  while (firstBreak !== -1 && at <= text.length) {
    line++;
    const next = text.indexOf('\n', at);
    const end = next === -1 ? text.length : next;
    if (CLOSING.test(text.slice(at, end))) {
      closing = { start: at, end };
      break;
    }
    if (next === -1) break;
    at = next + 1;
  }
  if (!closing) {
    return without('', line + 1, [{ file, line: 1, message: 'front matter starts with "---" here but has no closing "---" line' }]);
  }
  // Without the newline before the closing line: yaml reports errors at the end of its input.
  const yamlText = text.slice(firstBreak + 1, Math.max(firstBreak + 1, closing.start - 1));
  const body = text.slice(closing.end + 1);
  const bodyFirstLine = line + 1;
  const empty = (problems: Problem[]) => without(body, bodyFirstLine, problems);

  const counter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const fileLine = (offset: number): number => counter.linePos(offset).line + 1;
  if (doc.errors.length > 0) {
    return empty(
      doc.errors.map((e) => ({ file, line: errorLine(yamlText, e.code, e.message, e.pos[0], fileLine), message: `front matter is not valid YAML: ${e.message}` })),
    );
  }
  if (doc.contents === null) return empty([]);
  if (!isMap(doc.contents)) {
    return empty([{ file, line: 2, message: 'front matter must be "key: value" lines, not a list or a single value' }]);
  }

  const problems: Problem[] = [];
  const entries = new Map<string, FrontMatterEntry>();
  for (const pair of doc.contents.items) {
    const keyNode = pair.key;
    const line = isNode(keyNode) && keyNode.range ? fileLine(keyNode.range[0]) : 2;
    if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
      problems.push({ file, line, message: 'front matter keys must be plain names such as "title"' });
      continue;
    }
    const key = String(keyNode.value);
    try {
      const value = isNode(pair.value) ? pair.value.toJS(doc as Document, { maxAliasCount: 100 }) : pair.value;
      entries.set(key, { value, line });
    } catch (e) {
      problems.push({ file, line, key, message: `front matter value cannot be read: ${(e as Error).message}` });
    }
  }
  const lineOf = (path: readonly (string | number)[]): number | undefined => {
    const node: unknown = doc.getIn(path, true);
    if (isNode(node) && node.range) return fileLine(node.range[0]);
    const top = path[0];
    return top === undefined ? undefined : entries.get(String(top))?.line;
  };
  return { frontMatter: { entries, lineOf, body, bodyFirstLine, readable: true }, problems };
}

/**
 * yaml reports an unclosed quote where the text ends; the useful line is where the quote opened.
 */
function errorLine(yamlText: string, code: string, message: string, offset: number, fileLine: (o: number) => number): number {
  if (code === 'MISSING_CHAR' && /quote/.test(message)) {
    const quote = message.includes("'") ? "'" : '"';
    const opened = yamlText.lastIndexOf(quote, Math.min(offset, yamlText.length) - 1);
    if (opened !== -1) return fileLine(opened);
  }
  return fileLine(Math.min(offset, yamlText.length));
}
