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
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
}

const MAGIC = 'gazette-build-cache\n';

export function emptyBuildCache(): BuildCache {
  return { parseSettings: '', sources: new Map(), outputs: new Map(), bodies: new Map() };
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
  if (createHash('sha256').update(payload).digest('hex') !== data.toString('latin1', headerBytes, sumEnd - 1)) return emptyBuildCache();
  try {
    const value = deserialize(payload) as { parseSettings?: unknown; sources?: unknown; outputs?: unknown; bodies?: unknown };
    if (typeof value.parseSettings !== 'string' || !(value.sources instanceof Map) || !(value.outputs instanceof Map) || !(value.bodies instanceof Map)) {
      return emptyBuildCache();
    }
    return {
      parseSettings: value.parseSettings,
      sources: value.sources as Map<string, CachedSource>,
      outputs: value.outputs as Map<string, OutputRecord>,
      bodies: value.bodies as Map<string, string>,
    };
  } catch {
    return emptyBuildCache();
  }
}

export function writeBuildCache(file: string, identity: string, cache: BuildCache): void {
  const payload = serialize({ parseSettings: cache.parseSettings, sources: cache.sources, outputs: cache.outputs, bodies: cache.bodies });
  const sum = createHash('sha256').update(payload).digest('hex');
  writeFileAtomic(file, Buffer.concat([Buffer.from(`${MAGIC}${identity}\n${sum}\n`, 'latin1'), payload]));
}
