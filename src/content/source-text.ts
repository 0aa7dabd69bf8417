/**
 * Bytes of an article file → clean text: strict UTF-8, no BOM, LF line endings, and no character
 * that XML forbids (they are removed with a warning naming the line, so no feed can break).
 */
import { GazetteError, type Problem } from '../errors.js';
import { codePointLabel, findNonXmlChars, hasNonXmlChars, stripNonXmlChars } from './xml-chars.js';

export interface SourceText {
  readonly text: string;
  readonly warnings: Problem[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeSource(bytes: Uint8Array, file: string): SourceText {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw contentError(file, 1, 'the file is UTF-16; save it as UTF-8');
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const line = lineAtByte(bytes, at);
    const byte = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    throw contentError(
      file,
      line,
      `not valid UTF-8: byte 0x${byte} on line ${line} is not part of a UTF-8 character; save the file as UTF-8`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r\n?/g, '\n');

  const warnings: Problem[] = [];
  // Clean files (nearly all) skip the full matchAll and the strip's second test.
  const bad = hasNonXmlChars(text) ? findNonXmlChars(text) : [];
  if (bad.length > 0) {
    const byLine = new Map<number, Set<string>>();
    let line = 1;
    let scanned = 0;
    for (const { index, char } of bad) {
      line += countNewlines(text, scanned, index);
      scanned = index;
      let labels = byLine.get(line);
      if (!labels) byLine.set(line, (labels = new Set()));
      labels.add(codePointLabel(char));
    }
    for (const [l, labels] of byLine) {
      warnings.push({
        file,
        line: l,
        message: `removed characters that XML does not allow (${[...labels].join(', ')})`,
      });
    }
    text = stripNonXmlChars(text);
  }
  if (text.trim() === '') throw contentError(file, undefined, 'empty file: an article needs at least a title or some text');
  return { text, warnings };
}

function contentError(file: string, line: number | undefined, message: string): GazetteError {
  const problem: Problem = line === undefined ? { file, message } : { file, line, message };
  return GazetteError.fromProblems('CONTENT', `${file}: cannot read the article`, [problem]);
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** 1-based line of a byte offset; a line ends at LF, CRLF or a lone CR. */
function lineAtByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) line++;
  }
  return line;
}

/** Offset of the first byte that starts no valid UTF-8 sequence (RFC 3629 table 3-7). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let extra: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) extra = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      extra = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      extra = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    const second = bytes[i + 1];
    if (second === undefined || second < lo || second > hi) return i;
    for (let k = 2; k <= extra; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < 0x80 || c > 0xbf) return i;
    }
    i += extra + 1;
  }
  return bytes.length - 1;
}
