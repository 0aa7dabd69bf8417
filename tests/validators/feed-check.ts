import { readFileSync } from 'node:fs';
import { validateAtom } from './atom.js';
import { parseWithFeedparser, type ParsedFeed } from './feedparser.js';
import { validateJsonFeed } from './json-feed.js';
import { validateRss } from './rss.js';
import { validateXmlWellFormed } from './xml-well-formed.js';

/** One scope's feed files on disk (absolute paths); any of them may be absent. */
export interface FeedFileSet {
  readonly rss?: string;
  readonly atom?: string;
  readonly json?: string;
}

export interface FeedCheck {
  /** Every validator's complaints about this set's files; [] when all are valid. */
  readonly problems: string[];
  /** feedparser's reading of the RSS and Atom files. */
  readonly rss?: ParsedFeed;
  readonly atom?: ParsedFeed;
  /** The parsed JSON Feed. */
  readonly json?: unknown;
}

function about(path: string, lines: readonly string[]): string[] {
  return lines.filter((line) => line.startsWith(`${path}:`));
}

/**
 * Runs every validator over many feed sets at once (one xmllint, two jing, two Python runs in
 * all, however many sets), then sorts the findings back to their sets:
 * xmllint on RSS and Atom, the RSS profile checks, jing with atom.rnc and the RFC 4287 Schematron
 * rules, the JSON Feed 1.1 schema, and feedparser as a reader.
 */
export function checkFeedFiles(sets: readonly FeedFileSet[]): FeedCheck[] {
  const rssFiles = sets.flatMap((s) => (s.rss ? [s.rss] : []));
  const atomFiles = sets.flatMap((s) => (s.atom ? [s.atom] : []));
  const xmlFiles = [...rssFiles, ...atomFiles];
  const xmlErrors = xmlFiles.length > 0 ? validateXmlWellFormed(...xmlFiles) : [];
  const rssErrors = rssFiles.length > 0 ? validateRss(...rssFiles) : [];
  const atomErrors = atomFiles.length > 0 ? validateAtom(...atomFiles) : [];
  const readers = new Map((xmlFiles.length > 0 ? parseWithFeedparser(...xmlFiles) : []).map((p) => [p.path, p]));
  const unattributed = [...xmlErrors, ...rssErrors, ...atomErrors].filter((line) => !xmlFiles.some((f) => line.startsWith(`${f}:`)));
  if (unattributed.length > 0) throw new Error(`validator output not tied to a file:\n${unattributed.join('\n')}`);

  return sets.map((set) => {
    const problems: string[] = [];
    for (const path of [set.rss, set.atom]) {
      if (path) problems.push(...about(path, xmlErrors), ...about(path, rssErrors), ...about(path, atomErrors));
    }
    let json: unknown;
    if (set.json) {
      try {
        json = JSON.parse(readFileSync(set.json, 'utf8'));
        problems.push(...validateJsonFeed(json).map((p) => `${set.json}: ${p}`));
      } catch (e) {
        problems.push(`${set.json}: not JSON: ${(e as Error).message}`);
      }
    }
    for (const path of [set.rss, set.atom]) {
      const reader = path ? readers.get(path) : undefined;
      if (reader?.bozo) problems.push(`${path}: feedparser: ${reader.bozo_exception}`);
    }
    return {
      problems,
      ...(set.rss ? { rss: readers.get(set.rss) } : {}),
      ...(set.atom ? { atom: readers.get(set.atom) } : {}),
      ...(set.json ? { json } : {}),
    };
  });
}
