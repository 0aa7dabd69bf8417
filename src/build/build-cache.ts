/**
 * What one build leaves for the next, in `.gazette/build-cache.bin`: each source file's parse
 * (without the body), checked by stat, and each output's render key with the hash of the bytes
 * that key produced.
 *
 * Only ever an optimisation, so it may be lost at any moment: a missing, truncated, corrupt or
 * foreign file (another Gazette version, Node.js or dependency set: see code-identity.ts) reads as
 * empty, and the build then does everything from scratch. A sha256 of the payload guards against
 * disk damage; the file is replaced atomically, never fsync'ed (losing it costs one slow build).
 * SQLite would add a durable transaction per save for data that needs none.
 *
 * A build that changed a few entries does not rewrite the whole file (10 MB for 10,000 articles):
 * it appends what changed to `build-cache.bin.journal`. Each record there carries its own sha256
 * and the sha256 of the base file it applies to. Reading stops at the first record that is torn,
 * damaged or meant for another base, and the next append overwrites from there. The cache read is
 * then an earlier state, and every entry of an earlier state is still true (it is checked by stat,
 * or it vouches for bytes that a key renders to), so a lost record only costs work. Once the journal
 * grows past a quarter of the base, the next save writes a new base and removes the journal.
 */
import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import type { Problem } from '../errors.js';
import type { Article } from '../model/index.js';
import { writeFileAtomic } from '../output/write-file-atomic.js';
import type { FileStamp } from './file-stamp.js';

/** An article without its body: what the cache keeps (bodies are parsed again when needed). */
export type ArticleMeta = Omit<Article, 'html'>;

/** The stamp of the file as it was parsed (fields inline: ten thousand fewer objects to load). */
export interface CachedSource extends FileStamp {
  /** parseFingerprint of the bytes that were parsed. */
  readonly fingerprint: string;
  readonly metaHash: string;
  readonly meta: ArticleMeta;
  /** The parser's warnings: shown again on every build that reuses this parse. */
  readonly warnings: readonly Problem[];
}

/**
 * What produced an output file: `<sha256 of its bytes> <render key>`, one string rather than an
 * object (ten thousand fewer objects to save and load).
 */
export type OutputRecord = string;

export function outputRecord(key: string, sha256: string): OutputRecord {
  return `${sha256} ${key}`;
}

/** True when `record` says: these bytes (`sha256`) are what `key` renders to. */
export function recordVouches(record: OutputRecord | undefined, key: string, sha256: string): boolean {
  return record !== undefined && record.length === sha256.length + 1 + key.length && record.startsWith(sha256) && record.endsWith(key);
}

export interface BuildCache {
  /**
   * The site settings the parses were made under (parseFingerprint of no bytes): a stat match
   * proves the bytes unchanged, and this proves the settings unchanged.
   */
  readonly parseSettings: string;
  /** By source path (relative to the site root). */
  readonly sources: ReadonlyMap<string, CachedSource>;
  /** By output path (relative to out/). */
  readonly outputs: ReadonlyMap<string, OutputRecord>;
  /** Source path → key of its body kept in the state store (the articles feeds show). */
  readonly bodies: ReadonlyMap<string, string>;
  /** Where on disk this cache was read from: a save can then append only what changed. */
  readonly origin?: CacheOrigin;
}

/** A cache as read from disk: its base file and how much of its journal was sound. */
export interface CacheOrigin {
  /** sha256 (hex) of the base file's payload. */
  readonly baseSum: string;
  readonly baseBytes: number;
  /** Bytes of the journal read as sound records: the next record is written at this offset. */
  readonly journalEnd: number;
}

/** One journal record: the entries set (value) or removed (null) since the state before it. */
interface CacheDelta {
  readonly base: string;
  readonly sources: [string, CachedSource | null][];
  readonly outputs: [string, OutputRecord | null][];
  readonly bodies: [string, string | null][];
}

const MAGIC = 'gazette-build-cache\n';
/** A journal record: payload length (uint32 LE), sha256 of the payload (32 bytes), payload. */
const RECORD_HEADER = 36;

export function emptyBuildCache(): BuildCache {
  return { parseSettings: '', sources: new Map(), outputs: new Map(), bodies: new Map() };
}

export function journalFile(file: string): string {
  return `${file}.journal`;
}

/** The cache saved by a build with this code identity, or an empty one. Never throws. */
export function readBuildCache(file: string, identity: string): BuildCache {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return emptyBuildCache();
  }
  const header = `${MAGIC}${identity}\n`;
  const headerBytes = Buffer.byteLength(header);
  const sumEnd = headerBytes + 65;
  if (data.length < sumEnd || data.toString('latin1', 0, headerBytes) !== header || data[sumEnd - 1] !== 0x0a) return emptyBuildCache();
  const payload = data.subarray(sumEnd);
  const baseSum = data.toString('latin1', headerBytes, sumEnd - 1);
  if (sha256(payload).toString('hex') !== baseSum) return emptyBuildCache();
  let value: { parseSettings?: unknown; sources?: unknown; outputs?: unknown; bodies?: unknown };
  try {
    value = deserialize(payload) as typeof value;
  } catch {
    return emptyBuildCache();
  }
  if (typeof value.parseSettings !== 'string' || !(value.sources instanceof Map) || !(value.outputs instanceof Map) || !(value.bodies instanceof Map)) {
    return emptyBuildCache();
  }
  const sources = value.sources as Map<string, CachedSource>;
  const outputs = value.outputs as Map<string, OutputRecord>;
  const bodies = value.bodies as Map<string, string>;
  const journalEnd = applyJournal(journalFile(file), baseSum, { sources, outputs, bodies });
  return { parseSettings: value.parseSettings, sources, outputs, bodies, origin: { baseSum, baseBytes: data.length, journalEnd } };
}

/**
 * Applies the journal's sound records in order, stopping at the first that is not (torn, damaged,
 * or written against another base). Returns the offset where the sound records end.
 */
function applyJournal(
  file: string,
  baseSum: string,
  maps: { sources: Map<string, CachedSource>; outputs: Map<string, OutputRecord>; bodies: Map<string, string> },
): number {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return 0;
  }
  let at = 0;
  while (at + RECORD_HEADER <= data.length) {
    const length = data.readUInt32LE(at);
    const end = at + RECORD_HEADER + length;
    if (end > data.length) break;
    const payload = data.subarray(at + RECORD_HEADER, end);
    if (!sha256(payload).equals(data.subarray(at + 4, at + RECORD_HEADER))) break;
    let delta: CacheDelta;
    try {
      delta = deserialize(payload) as CacheDelta;
    } catch {
      break;
    }
    if (delta.base !== baseSum || !Array.isArray(delta.sources) || !Array.isArray(delta.outputs) || !Array.isArray(delta.bodies)) break;
    apply(maps.sources, delta.sources);
    apply(maps.outputs, delta.outputs);
    apply(maps.bodies, delta.bodies);
    at = end;
  }
  return at;
}

function apply<V>(map: Map<string, V>, changes: readonly [string, V | null][]): void {
  for (const [key, value] of changes) {
    if (value === null) map.delete(key);
    else map.set(key, value);
  }
}

/**
 * Saves `cache`. When `previous` was read from disk (with this identity: readBuildCache finds
 * nothing otherwise) under the same parse settings, and the journal has room, only the difference
 * is appended; otherwise the whole cache is written.
 */
export function writeBuildCache(file: string, identity: string, cache: BuildCache, previous?: BuildCache): void {
  const origin = previous?.origin;
  if (origin && previous.parseSettings === cache.parseSettings) {
    const delta: CacheDelta = {
      base: origin.baseSum,
      sources: changes(previous.sources, cache.sources),
      outputs: changes(previous.outputs, cache.outputs),
      bodies: changes(previous.bodies, cache.bodies),
    };
    if (delta.sources.length + delta.outputs.length + delta.bodies.length === 0) return;
    const payload = serialize(delta);
    if (origin.journalEnd + RECORD_HEADER + payload.length <= origin.baseBytes / 4 && appendRecord(journalFile(file), origin.journalEnd, payload)) return;
  }
  const payload = serialize({ parseSettings: cache.parseSettings, sources: cache.sources, outputs: cache.outputs, bodies: cache.bodies });
  writeFileAtomic(file, Buffer.concat([Buffer.from(`${MAGIC}${identity}\n${sha256(payload).toString('hex')}\n`, 'latin1'), payload]));
  // The journal's records name the old base: harmless if left, but dead weight.
  rmSync(journalFile(file), { force: true });
}

/** Entries of `next` that are not (the very same) in `before`, and those of `before` gone. */
function changes<V>(before: ReadonlyMap<string, V>, next: ReadonlyMap<string, V>): [string, V | null][] {
  const list: [string, V | null][] = [];
  for (const [key, value] of next) if (before.get(key) !== value) list.push([key, value]);
  for (const key of before.keys()) if (!next.has(key)) list.push([key, null]);
  return list;
}

/**
 * Writes the record at `at`, over whatever unsound bytes followed the sound records. False when
 * that failed (the journal gone meanwhile, say): the caller then writes the whole cache.
 */
function appendRecord(file: string, at: number, payload: Buffer): boolean {
  const record = Buffer.alloc(RECORD_HEADER + payload.length);
  record.writeUInt32LE(payload.length, 0);
  sha256(payload).copy(record, 4);
  payload.copy(record, RECORD_HEADER);
  let fd: number;
  try {
    fd = openSync(file, at === 0 ? 'w' : 'r+');
  } catch {
    return false;
  }
  try {
    writeSync(fd, record, 0, record.length, at);
    ftruncateSync(fd, at + record.length);
    return true;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}
