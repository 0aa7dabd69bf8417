/**
 * Picks the content coding for a response from the request's Accept-Encoding (RFC 9110 §12.5.3).
 * Only brotli and gzip are produced; brotli wins a tie because it is smaller. Pure.
 */

export type Coding = 'br' | 'gzip';

/** Recent results, keyed by the header as sent: browsers send a handful of distinct values. */
const memo = new Map<string, Coding | null>();
const MEMO_LIMIT = 256;

export function chooseCoding(header: string | undefined): Coding | null {
  if (!header) return null;
  const known = memo.get(header);
  if (known !== undefined) return known;
  const chosen = parse(header);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(header, chosen);
  return chosen;
}

function parse(header: string): Coding | null {
  let br: number | undefined;
  let gzip: number | undefined;
  let star: number | undefined;
  for (const part of header.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = (rawName ?? '').trim().toLowerCase();
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) q = Math.min(1, Math.max(0, Number(m[1]) || 0));
    }
    if (name === 'br') br = q;
    else if (name === 'gzip' || name === 'x-gzip') gzip = q;
    else if (name === '*') star = q;
  }
  const brQ = br ?? star ?? 0;
  const gzipQ = gzip ?? star ?? 0;
  if (brQ <= 0 && gzipQ <= 0) return null;
  return brQ >= gzipQ ? 'br' : 'gzip';
}
