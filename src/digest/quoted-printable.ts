/**
 * Quoted-printable (RFC 2045 §6.7) for message bodies that are assembled from pieces: each piece is
 * encoded on its own and pieces are joined with soft line breaks, so a per-recipient value can be
 * encoded alone and dropped between segments that were encoded once per digest.
 *
 * The output is also already in DKIM "relaxed" body form (RFC 6376 §3.4.4): no line ends in
 * whitespace and no line holds two whitespace characters in a row (such spaces and every tab are
 * written as =20 / =09), so the body hash can be taken over the bytes as they are sent.
 * A line never starts with "." or "From " literally (SMTP dot-stuffing and mbox quirks).
 */
/** Characters per line before the soft-break "=" (the RFC's limit is 76 including it). */
const MAX_LINE = 75;
const HEX = '0123456789ABCDEF';

export const SOFT_BREAK = '=\r\n';

export function encodeQuotedPrintable(text: string): string {
  const bytes = Buffer.from(text.replace(/\r\n/g, '\n'), 'utf8');
  const out: string[] = [];
  let line = '';
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      out.push(line, '\r\n');
      line = '';
      continue;
    }
    let token = tokenFor(bytes, i, b, line.length === 0);
    if (line.length + token.length > MAX_LINE) {
      out.push(line, SOFT_BREAK);
      line = '';
      token = tokenFor(bytes, i, b, true);
    }
    line += token;
  }
  out.push(line);
  return out.join('');
}

function tokenFor(bytes: Buffer, i: number, b: number, lineStart: boolean): string {
  if (b === 0x20) {
    const next = bytes[i + 1];
    // A literal space only between two visible characters: never trailing, never in a run.
    return next === undefined || next === 0x20 || next === 0x09 || next === 0x0a || next === 0x0d ? '=20' : ' ';
  }
  if (b > 0x20 && b < 0x7f && b !== 0x3d) {
    if (lineStart && b === 0x2e) return '=2E';
    if (lineStart && b === 0x46 && bytes[i + 1] === 0x72 && bytes[i + 2] === 0x6f && bytes[i + 3] === 0x6d && bytes[i + 4] === 0x20) return '=46';
    return String.fromCharCode(b);
  }
  return `=${HEX[b >> 4]}${HEX[b & 15]}`;
}
