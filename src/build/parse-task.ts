/**
 * The unit of parsing work, the same on the main thread and in a worker: read one article file,
 * fingerprint it, and parse it unless its cached parse still matches; optionally render its page
 * at once, while the parsed article is at hand (that is most of a cold build's rendering, done in
 * parallel with the parsing).
 *
 * Tasks and results cross threads as structured clones, so they hold plain data only; a rendered
 * page travels as UTF-8 bytes whose buffer is transferred, not copied.
 */
import { hash } from 'node:crypto';
import { serialize } from 'node:v8';
import { isPublished } from '../content/is-published.js';
import { parseArticleFile, readArticleFile, type FileOutcome } from '../content/load-content.js';
import { parseFingerprint } from '../content/parse-cache.js';
import type { Problem } from '../errors.js';
import type { Article, Site } from '../model/index.js';
import { OutputStager, type StagedOutputFile, type StagingArea } from '../output/output-stager.js';
import type { TemplateSources } from '../render/page-sources.js';
import { createPageRenderer, type PageRenderer } from '../render/pages.js';
import { stampOf, type FileStamp } from './file-stamp.js';

export interface ParseTask {
  /** Position in the caller's list: results are put back in this order, whoever ran them. */
  readonly index: number;
  readonly sourcePath: string;
  readonly absolutePath: string;
  /** The fingerprint of a cached parse: when the bytes still give it, the result is `same`. */
  readonly cachedFingerprint?: string;
  /**
   * Parse again for the body of an article already known by this fingerprint: when the bytes
   * give another one, the result is `moved` (the file changed during the build).
   */
  readonly requireFingerprint?: string;
  /** Render the article page too, when the article is published and dated by its front matter. */
  readonly renderPage: boolean;
}

export interface RenderedPage {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** A rendered page as the build keeps it: its bytes, or the staged file holding them. */
export type KeptPage = RenderedPage | StagedOutputFile;

export type ParseResult =
  | { readonly kind: 'unreadable'; readonly index: number; readonly problem: Problem }
  | { readonly kind: 'same'; readonly index: number; readonly stamp: FileStamp; readonly fingerprint: string }
  | { readonly kind: 'moved'; readonly index: number; readonly stamp: FileStamp; readonly fingerprint: string }
  | {
      readonly kind: 'parsed';
      readonly index: number;
      readonly stamp: FileStamp;
      readonly fingerprint: string;
      readonly outcome: FileOutcome;
      /** sha256 of the article without its body: what list pages show of it. */
      readonly metaHash?: string;
      /** Rendered bytes from the thread that parsed it; on the main thread, possibly staged. */
      readonly page?: KeptPage;
    };

/** What every thread needs to run tasks; cloned into each worker once. */
export interface ParseSetup {
  readonly site: Site;
  /** Publication cut-off, and the date given to dateless articles until the ledger dates them. */
  readonly now: Date;
  /** Needed only when tasks render pages. */
  readonly templates?: TemplateSources;
  /**
   * When given, a rendered page is written out at once under its temporary name by the thread
   * that rendered it (output-stager.ts), and only the name travels back.
   */
  readonly staging?: StagingArea;
}

export interface ParseContext {
  readonly setup: ParseSetup;
  renderer(): PageRenderer;
  stager(): OutputStager | undefined;
}

/**
 * `pageRenderer`, when given, makes the page renderer instead of parsing the templates again: the
 * main thread shares the build's own renderer.
 */
export function createParseContext(setup: ParseSetup, pageRenderer?: () => PageRenderer): ParseContext {
  let renderer: PageRenderer | undefined;
  let stager: OutputStager | undefined;
  return {
    setup,
    renderer() {
      if (!setup.templates) throw new Error('page rendering needs the templates');
      renderer ??= pageRenderer ? pageRenderer() : createPageRenderer(setup.templates);
      return renderer;
    },
    stager() {
      if (setup.staging) stager ??= OutputStager.join(setup.staging);
      return stager;
    },
  };
}

const encoder = new TextEncoder();

export function runParseTask(task: ParseTask, ctx: ParseContext): ParseResult {
  const { index, sourcePath } = task;
  const { site, now } = ctx.setup;
  const readAt = Date.now();
  const read = readArticleFile({ sourcePath, absolutePath: task.absolutePath });
  if (!read.ok) return { kind: 'unreadable', index, problem: read.problem };
  const stamp = stampOf(read.stats, readAt);
  const fingerprint = parseFingerprint(read.bytes, site);
  if (task.cachedFingerprint === fingerprint) return { kind: 'same', index, stamp, fingerprint };
  if (task.requireFingerprint !== undefined && task.requireFingerprint !== fingerprint) return { kind: 'moved', index, stamp, fingerprint };

  const outcome = parseArticleFile(sourcePath, read.bytes, site, now);
  const { article } = outcome;
  if (!article) return { kind: 'parsed', index, stamp, fingerprint, outcome };
  let page: KeptPage | undefined;
  if (task.renderPage && article.dateSource === 'front-matter' && isPublished(article, now)) {
    try {
      const file = ctx.renderer().renderArticle(site, article);
      const bytes = typeof file.content === 'string' ? encoder.encode(file.content) : file.content;
      const staged = ctx.stager()?.stage(file.path, bytes);
      page = staged ? { path: file.path, staged } : { path: file.path, bytes };
    } catch {
      // The page is rendered again where it is needed, and the template error reported there.
    }
  }
  return { kind: 'parsed', index, stamp, fingerprint, outcome, metaHash: metaHash(article), ...(page ? { page } : {}) };
}

/**
 * A hash of everything but the body: what list pages can show of the article. The placeholder
 * date of a dateless article is left out (the ledger decides it later).
 */
export function metaHash(article: Article): string {
  const fields: string[] = [];
  const open = new Set<object>();
  for (const key of Object.keys(article).sort()) {
    if (key === 'html' || (article.dateSource === 'first-seen' && (key === 'date' || key === 'updated'))) continue;
    fields.push(`${key.length}:${key}=${encodeValue((article as unknown as Record<string, unknown>)[key], open)}`);
  }
  return hash('sha256', fields.join(';'), 'hex');
}

/**
 * A text that tells apart every value front matter can hold: each value is tagged with its type
 * and every string (keys too) is length-prefixed, so NaN and null, -0 and 0, a date and its ISO
 * text never meet, and no string can pass for structure. A value of a kind front matter never
 * produces is serialised structurally, and still never collides.
 */
function encodeValue(value: unknown, open: Set<object>): string {
  if (typeof value === 'string') return `s${value.length}:${value}`;
  if (typeof value === 'number') return Object.is(value, -0) ? 'n-0' : `n${String(value)}`;
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (value === null) return 'N';
  if (value === undefined) return 'U';
  if (typeof value === 'bigint') return `i${value}`;
  if (value instanceof Date) return `d${value.getTime()}`;
  if (typeof value !== 'object' || open.has(value)) return `x${serialize(value).toString('base64')}`; // a YAML alias cycle
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return `x${serialize(value).toString('base64')}`;
  open.add(value);
  const text = Array.isArray(value)
    ? `[${value.map((v) => encodeValue(v, open)).join(',')}]`
    : `{${Object.keys(value).map((k) => `${k.length}:${k}=${encodeValue((value as Record<string, unknown>)[k], open)}`).join(',')}}`;
  open.delete(value);
  return text;
}
