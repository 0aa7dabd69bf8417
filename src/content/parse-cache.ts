/**
 * A cache of parsed articles for fast rebuilds. The loader declares what it needs; the store that
 * keeps it between runs lives elsewhere. An entry is valid for exactly one fingerprint: the file's
 * bytes, the parser version and the site settings that change what the parser produces.
 */
import { createHash } from 'node:crypto';
import type { Problem } from '../errors.js';
import type { Article, Site } from '../model/index.js';

/** Bump whenever parseArticle can produce a different Article from the same input. */
export const PARSER_VERSION = 'gazette-content-1';

export interface ParseCache {
  get(sourcePath: string, fingerprint: string): Article | undefined;
  /** `warnings` are what the parser reported for this article; keep them to show them again. */
  set(sourcePath: string, fingerprint: string, article: Article, warnings: readonly Problem[]): void;
  /**
   * The warnings kept with an entry. Parse warnings are shown on every build, hits included, so
   * a cache should implement this; one that does not shows none for its hits.
   */
  warnings?(sourcePath: string, fingerprint: string): readonly Problem[] | undefined;
}

export function parseFingerprint(bytes: Uint8Array, site: Site): string {
  return createHash('sha256')
    .update(bytes)
    .update('\0')
    .update(PARSER_VERSION)
    .update('\0')
    .update(site.url)
    .update('\0')
    .update(site.timezone)
    .update('\0')
    .update(site.language)
    .digest('hex');
}
