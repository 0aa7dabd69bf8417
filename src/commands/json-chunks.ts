/** Streamed JSON comes in pieces of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The text of `JSON.stringify(items, null, 2)` as it reads nested `depth` levels deep (0: the
 * top), from "[" to "]", in pieces of about CHUNK_CHARS made while `items` are read: a list of
 * 100,000 rows (`sends ID --json`, `subscribers list --json`) is never one string.
 */
export function* jsonArrayChunks(items: Iterable<unknown>, depth = 0): Generator<string, void, undefined> {
  const pad = '  '.repeat(depth);
  let out = '[';
  let rows = 0;
  for (const item of items) {
    out += `${rows++ === 0 ? '' : ','}\n${pad}  ${JSON.stringify(item, null, 2).replace(/\n/g, `\n${pad}  `)}`;
    if (out.length >= CHUNK_CHARS) {
      yield out;
      out = '';
    }
  }
  yield `${out}${rows === 0 ? ']' : `\n${pad}]`}`;
}

/** `items` with `fn` applied, lazily. */
export function* mapped<T, U>(items: Iterable<T>, fn: (item: T) => U): Generator<U, void, undefined> {
  for (const item of items) yield fn(item);
}
