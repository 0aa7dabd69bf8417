/**
 * One article file → one validated Article. Pure: no file system, no clock. Every problem in the
 * file is collected and thrown together, each with the file, the line and the front-matter key.
 */
import { posix } from 'node:path';
import { GazetteError, type Problem } from '../errors.js';
import { articleUrlPath, type Article, type Author, type DateSource, type Site, type Tag } from '../model/index.js';
import { articleKind } from './article-kind.js';
import { defaultArticleId, isAbsoluteUri } from './article-id.js';
import { readFrontMatter } from './front-matter.js';
import {
  FRONT_MATTER_KEYS,
  isFrontMatterKey,
  type AuthorInput,
  type FrontMatterKey,
  type FrontMatterValues,
} from './front-matter-schema.js';
import { collapseWhitespace, stripTags } from './inline-text.js';
import { renderMarkdown, type TextBlock } from './markdown-body.js';
import { parseIsoDate } from './parse-date.js';
import { renderPlainText } from './plain-text-body.js';
import { firstSentence, withoutFinalPeriod } from './sentences.js';
import { isValidSlug, MAX_SLUG_BYTES, normaliseSlug, slugifyStem, slugifyTag, tagMergeMessage, tagSpelling } from './slugify.js';
import { decodeSource } from './source-text.js';
import { truncateAtWord } from './truncate-words.js';
import { createUrlResolver, isHttpUrl, type UrlResolver } from './url-resolver.js';

export interface ParseArticleInput {
  /** Relative to the site root, forward slashes ("content/a.md"). */
  readonly sourcePath: string;
  readonly bytes: Uint8Array;
  readonly site: Site;
  /** When Gazette first saw this article: its date if the front matter has none. */
  readonly firstSeen?: Date;
}

export interface ParsedArticle {
  readonly article: Article;
  readonly warnings: Problem[];
  /** The date came from `firstSeen`: the caller must keep that moment for the next build. */
  readonly needsFirstSeen: boolean;
}

// Re-exported: importers of articleKind from here (content/index.ts) keep working.
export { articleKind };

export const TITLE_MAX_LENGTH = 140;
export const SUMMARY_MAX_LENGTH = 280;

export function parseArticle(input: ParseArticleInput): ParsedArticle {
  const { sourcePath: file, site } = input;
  const lang = site.language;
  const kind = articleKind(file);
  if (!kind) {
    throw GazetteError.fromProblems('CONTENT', `${file}: not an article`, [
      { file, message: 'not an article: articles end in .md, .markdown or .txt' },
    ]);
  }
  const { text, warnings } = decodeSource(input.bytes, file);
  const { frontMatter: fm, problems } = readFrontMatter(text, file);
  const lineOfKey = (key: string): number | undefined => fm.entries.get(key)?.line;
  const fail = (key: string, message: string, line = lineOfKey(key.replace(/[[.].*$/, ''))): void => {
    problems.push(line === undefined ? { file, key, message } : { file, line, key, message });
  };

  // Types first: a key of the wrong type is reported and then treated as absent.
  const values: FrontMatterValues = {};
  const extra: Record<string, unknown> = {};
  for (const [key, { value }] of fm.entries) {
    if (!isFrontMatterKey(key)) {
      // defineProperty: a key named "__proto__" is data, not the object's prototype.
      Object.defineProperty(extra, key, { value, enumerable: true, writable: true, configurable: true });
      continue;
    }
    if (value === null) continue;
    const result = FRONT_MATTER_KEYS[key].safeParse(value);
    if (result.success) setValue(values, key, result.data);
    else {
      for (const issue of result.error.issues) {
        const path = [key, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
        fail(formatKeyPath(path), issue.message, fm.lineOf(path));
      }
    }
  }

  // Slug, page URL and id.
  const stem = posix.basename(file, posix.extname(file));
  let slug = slugifyStem(stem);
  if (values.slug !== undefined) {
    const explicit = normaliseSlug(String(values.slug));
    if (isValidSlug(explicit)) slug = explicit;
    else fail('slug', slugMessage(explicit, `"${values.slug}" is not a valid slug`));
  } else if (!isValidSlug(slug)) {
    problems.push({ file, message: slugMessage(slug, `cannot make a slug from the file name "${stem}"`) + ', or set "slug:"' });
  }
  const url = site.url + articleUrlPath(slug);
  const resolve = createUrlResolver(site.url, url);

  let id = defaultArticleId(slug);
  if (values.id !== undefined) {
    const explicit = values.id.trim();
    if (isAbsoluteUri(explicit)) id = explicit;
    else {
      fail('id', `"${values.id}" is not an absolute URI: use a stable one such as "urn:uuid:2f1c…" or ` +
        `"tag:example.org,2026:my-article", or remove "id" to let Gazette derive one`);
    }
  }

  // Dates.
  const dateOf = (key: 'date' | 'updated'): Date | undefined => {
    const written = values[key];
    if (written === undefined) return undefined;
    const result = parseIsoDate(written, site.timezone);
    if (result.ok) return result.date;
    fail(key, result.message);
    return undefined;
  };
  let date = dateOf('date');
  const updated = dateOf('updated');
  let dateSource: DateSource = 'front-matter';
  if (date && updated && updated < date) {
    fail('updated', `updated (${values.updated}) is earlier than date (${values.date})`);
  }
  // A `date` of the wrong type is already reported; do not also report it as missing.
  if (values.date === undefined && !problems.some((p) => p.key === 'date')) {
    if (values.updated !== undefined) {
      fail('updated', '"updated" needs a "date": add the date the article was first published');
    } else if (input.firstSeen) {
      date = input.firstSeen;
      dateSource = 'first-seen';
    } else if (fm.readable) {
      problems.push({ file, key: 'date', message: 'no date: add "date: 2026-11-20" (or a date and time) to the front matter' });
    }
  }

  // Body.
  let html: string;
  let paragraphs: readonly TextBlock[];
  let heading: TextBlock | undefined;
  let byline: readonly string[] | undefined;
  if (kind === 'markdown') {
    const body = renderMarkdown(fm.body, {
      resolve,
      pageUrl: url,
      docId: slug,
      takeHeading: values.title === undefined,
      firstLine: fm.bodyFirstLine,
    });
    ({ html, paragraphs, heading } = body);
  } else {
    const body = renderPlainText(fm.body, resolve, fm.bodyFirstLine);
    ({ html, paragraphs } = body);
    byline = body.byline?.names;
  }

  // Title and summary.
  let title = '';
  let titleSentence: string | undefined;
  if (values.title !== undefined) {
    title = collapseWhitespace(values.title);
    if (title === '') fail('title', 'the title is empty: write one, or remove "title" to derive it from the text');
  } else if (heading) {
    title = heading.text;
  } else if (paragraphs[0] && fm.readable) {
    titleSentence = firstSentence(paragraphs[0].text, lang);
    title = truncateAtWord(withoutFinalPeriod(titleSentence), TITLE_MAX_LENGTH, lang);
    warnings.push({ file, line: paragraphs[0].line, message: 'no title: derived from the first sentence; add "title:" to choose one' });
  } else if (fm.readable) {
    problems.push({ file, key: 'title', message: 'no title, and no text to derive one from: add "title:" to the front matter' });
  }
  const summary =
    values.summary !== undefined
      ? collapseWhitespace(stripTags(values.summary))
      : derivedSummary(paragraphs, titleSentence, lang);

  // People, tags, links.
  if (values.author !== undefined && values.authors !== undefined) {
    fail('author', 'use either "author" or "authors", not both');
  }
  const authorKey = values.authors !== undefined ? 'authors' : 'author';
  const writtenAuthors = values.authors ?? values.author;
  const authors: Author[] =
    writtenAuthors === undefined
      ? (byline ?? []).map((name) => ({ name }))
      : (Array.isArray(writtenAuthors) ? writtenAuthors : [writtenAuthors]).flatMap((a, i) => {
          const key = Array.isArray(writtenAuthors) ? `${authorKey}[${i}]` : authorKey;
          const line = fm.lineOf(Array.isArray(writtenAuthors) ? [authorKey, i] : [authorKey]);
          return toAuthor(a, resolve, (message) => fail(`${key}.url`, message, line));
        });

  const tags = toTags(values.tags, (i) => fm.lineOf(['tags', i]) ?? lineOfKey('tags'), fail, (message, line) =>
    warnings.push({ file, key: 'tags', ...(line !== undefined ? { line } : {}), message }),
  );

  const absolute = (key: 'image' | 'canonical'): string | undefined => {
    const written = values[key];
    if (written === undefined) return undefined;
    const resolved = resolve(written);
    if (resolved !== undefined && isHttpUrl(resolved)) return resolved;
    fail(key, `"${written}" is not a web address: use https://…, /path on this site, or a path relative to the article`);
    return undefined;
  };
  const image = absolute('image');
  const canonical = absolute('canonical');

  if (problems.length > 0 || !date) {
    problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
    throw GazetteError.fromProblems('CONTENT', `${file} has ${count}`, problems);
  }

  const article: Article = {
    sourcePath: file,
    slug,
    id,
    title,
    date,
    updated: updated ?? date,
    dateSource,
    authors,
    summary,
    tags,
    ...(image !== undefined ? { image } : {}),
    ...(canonical !== undefined ? { canonical } : {}),
    url,
    html,
    draft: values.draft ?? false,
    extra,
  };
  return { article, warnings, needsFirstSeen: dateSource === 'first-seen' };
}

function setValue<K extends FrontMatterKey>(values: FrontMatterValues, key: K, value: FrontMatterValues[K]): void {
  values[key] = value;
}

/** ["authors", 1, "email"] → "authors[1].email" */
function formatKeyPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function slugMessage(slug: string, headline: string): string {
  if (Buffer.byteLength(slug, 'utf8') > MAX_SLUG_BYTES) return `${headline}: it is longer than ${MAX_SLUG_BYTES} bytes`;
  return `${headline}: use letters, digits, "-" and "_", starting with a letter or digit (no "/", "..", dots or spaces)`;
}

/**
 * The first paragraph, shortened. When the title was derived from that paragraph's first sentence,
 * the summary continues after it, so a reader does not see the same sentence twice.
 */
function derivedSummary(paragraphs: readonly TextBlock[], titleSentence: string | undefined, lang: string): string {
  const [first, second] = paragraphs;
  if (!first) return '';
  let text = first.text;
  if (titleSentence !== undefined && text.startsWith(titleSentence)) {
    text = text.slice(titleSentence.length).trim() || second?.text || first.text;
  }
  return truncateAtWord(text, SUMMARY_MAX_LENGTH, lang);
}

function toAuthor(input: AuthorInput, resolve: UrlResolver, fail: (message: string) => void): Author[] {
  if (typeof input === 'string') return [{ name: collapseWhitespace(input) }];
  const author: { name: string; email?: string; url?: string } = { name: collapseWhitespace(input.name) };
  if (input.email !== undefined) author.email = input.email;
  if (input.url !== undefined) {
    const url = resolve(input.url);
    if (url !== undefined && isHttpUrl(url)) author.url = url;
    else fail(`"${input.url}" is not a web address: use https://…`);
  }
  return [author];
}

function toTags(
  written: FrontMatterValues['tags'],
  lineOf: (index: number) => number | undefined,
  fail: (key: string, message: string, line?: number) => void,
  warn: (message: string, line?: number) => void,
): Tag[] {
  if (written === undefined) return [];
  const names = typeof written === 'string' ? written.split(',') : written.map(String);
  const tags: Tag[] = [];
  const seen = new Map<string, string>();
  names.forEach((raw, i) => {
    const name = collapseWhitespace(raw);
    if (name === '') return; // "a, b," — a trailing comma is not a tag
    const slug = slugifyTag(name);
    const line = typeof written === 'string' ? lineOf(-1) : lineOf(i);
    if (slug === '') {
      fail(typeof written === 'string' ? 'tags' : `tags[${i}]`, `tag "${name}" has no letters or digits to name its page and feed`, line);
    } else if (!seen.has(slug)) {
      seen.set(slug, name);
      tags.push({ name, slug });
    } else if (tagSpelling(name) !== tagSpelling(seen.get(slug)!)) {
      warn(tagMergeMessage(seen.get(slug)!, name, slug), line);
    }
  });
  return tags;
}
