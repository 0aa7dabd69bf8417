/**
 * An RFC 4180 CSV reader that knows its line numbers and survives broken lines.
 *
 * Why not csv-parse: an unclosed quote there swallows the rest of the file and the error names
 * the last line, not the line with the stray quote; after an invalid closing quote it resumes in
 * a confused state. An import must instead say "line 7: …" and still import lines 8 onwards.
 *
 * Rules: fields separated by ","; records by CRLF, LF or a lone CR; a field may be quoted, with
 * "" for a quote inside, and may then span lines; spaces around a quoted field are allowed; a quote
 * inside an unquoted field is kept as a character. A leading BOM is ignored.
 * Recovery: a record that cannot be read (a quote never closed, text after a closing quote) is
 * reported at the line where it starts, and reading resumes on the next physical line.
 */
export type CsvRecord =
  | { readonly line: number; readonly fields: readonly string[] }
  | { readonly line: number; readonly error: string };

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

function startOfNextLine(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) return i + 1;
    if (c === CR) return text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
  }
  return text.length;
}

function describeChar(ch: string): string {
  return /[\p{C}\p{Z}]/u.test(ch) ? `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}"`;
}

/** Records in file order, each with the 1-based line it starts on. */
export function* readCsvRecords(text: string): Generator<CsvRecord> {
  const n = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (pos < n) {
    const startPos = pos;
    const startLine = line;
    const fields: string[] = [];
    let error: string | undefined;
    for (;;) {
      let p = pos;
      while (p < n && (text.charCodeAt(p) === SPACE || text.charCodeAt(p) === TAB)) p++;
      if (p < n && text.charCodeAt(p) === QUOTE) {
        p++;
        let value = '';
        let segment = p;
        let closed = false;
        while (p < n) {
          const c = text.charCodeAt(p);
          if (c === QUOTE) {
            if (text.charCodeAt(p + 1) === QUOTE) {
              value += text.slice(segment, p + 1);
              p += 2;
              segment = p;
              continue;
            }
            value += text.slice(segment, p);
            p++;
            closed = true;
            break;
          }
          if (c === LF || (c === CR && text.charCodeAt(p + 1) !== LF)) line++;
          p++;
        }
        if (!closed) {
          error = 'a quoted field is never closed (a " is missing)';
          break;
        }
        while (p < n && (text.charCodeAt(p) === SPACE || text.charCodeAt(p) === TAB)) p++;
        fields.push(value);
        pos = p;
      } else {
        let q = pos;
        while (q < n) {
          const c = text.charCodeAt(q);
          if (c === COMMA || c === LF || c === CR) break;
          q++;
        }
        fields.push(text.slice(pos, q));
        pos = q;
      }
      if (pos >= n) break;
      const c = text.charCodeAt(pos);
      if (c === COMMA) {
        pos++;
        continue;
      }
      if (c === LF || c === CR) {
        pos += c === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1;
        line++;
        break;
      }
      const ch = describeChar(text[pos]!);
      error =
        line === startLine
          ? `unexpected ${ch} after a closing quote (write a quote inside a quoted field as "")`
          : `a quoted field opened on this line runs to line ${line}, where ${ch} follows its end (is a closing " missing?)`;
      break;
    }
    if (error !== undefined) {
      yield { line: startLine, error };
      pos = startOfNextLine(text, startPos);
      line = startLine + 1;
      continue;
    }
    yield { line: startLine, fields };
  }
}
