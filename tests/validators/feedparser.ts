import { fileURLToPath } from 'node:url';
import { runTool } from './run-tool.js';

const SCRIPT = fileURLToPath(new URL('./feedparser-dump.py', import.meta.url));

export interface ParsedEntry {
  readonly id: string | null;
  readonly title: string | null;
  readonly title_type: string | null;
  readonly link: string | null;
  readonly links: ReadonlyArray<Record<string, string>>;
  readonly published: string | null;
  readonly updated: string | null;
  readonly summary: string | null;
  /** The summary as a reader displays it (HTML entities decoded). */
  readonly summary_text: string | null;
  readonly content: readonly string[];
  readonly authors: ReadonlyArray<string | null>;
  readonly tags: ReadonlyArray<{ term: string | null; label: string | null }>;
  readonly enclosures: ReadonlyArray<Record<string, string>>;
}

export interface ParsedFeed {
  readonly path: string;
  /** feedparser's "this feed is broken" flag. */
  readonly bozo: boolean;
  readonly bozo_exception: string | null;
  /** "rss20", "atom10", … ("" when feedparser did not recognise the format). */
  readonly version: string | null;
  readonly encoding: string | null;
  readonly feed: {
    readonly id: string | null;
    readonly title: string | null;
    readonly subtitle: string | null;
    readonly link: string | null;
    readonly links: ReadonlyArray<Record<string, string>>;
    readonly language: string | null;
    readonly updated: string | null;
    readonly authors: ReadonlyArray<string | null>;
  };
  readonly entries: readonly ParsedEntry[];
}

/**
 * Parses each file with the system's Python feedparser (a real reader library) and returns what it
 * saw. feedparser 6.0 reads RSS and Atom; it has no JSON Feed support.
 */
export function parseWithFeedparser(...files: string[]): ParsedFeed[] {
  if (files.length === 0) throw new Error('parseWithFeedparser: no files given');
  const run = runTool('/usr/bin/python3', [SCRIPT, ...files]);
  if (run.code !== 0) throw new Error(`feedparser-dump.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as ParsedFeed[];
}
