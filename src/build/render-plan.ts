/**
 * Every output of the site as a render unit: the files one renderer call produces, with a key
 * that hashes everything those bytes depend on. When the key and the bytes on disk are the same as
 * last time, the unit is not rendered at all (keyed-write.ts).
 *
 * A key is made of exactly the arguments given to the pure renderer: the code identity (the
 * renderer's own code and dependencies), the templates, the site, and the identity of each article
 * passed, in the order passed. Nothing the renderer reads is left out, so equal keys mean equal
 * bytes; a page that shows only titles and dates (the index, a tag page) is keyed on what it can
 * show of each article, so editing a body does not re-render the lists.
 */
import type { ArchivedDigest } from '../render/archived-digest.js';
import { renderDigestArchive } from '../render/digest-archive.js';
import { newestDigestsFirst } from '../render/digest-archive-order.js';
import { DIGEST_ARCHIVE_PAGE, DIGEST_FEED_PATHS, digestWebPath } from '../render/digest-archive-paths.js';
import { createHash, type Hash } from 'node:crypto';
import { serialize } from 'node:v8';
import { GazetteError } from '../errors.js';
import { ARCHIVE_PAGE, articlePath, FEED_STYLESHEET, monthPath, SITE_STYLESHEET, tagDir, type Article, type OutputFile, type Site, type Tag } from '../model/index.js';
import { groupByMonth } from '../render/page-archive.js';
import { feedPaths, renderFeeds, renderFeedStylesheet, type FeedScope } from '../render/feeds.js';
import type { TemplateSources } from '../render/page-sources.js';
import type { PageRenderer } from '../render/pages.js';
import { codeIdentity } from './code-identity.js';
import type { ArticleIdentity } from './load-articles.js';
import type { KeptPage } from './parse-task.js';
import type { StagedOutputFile } from '../output/output-stager.js';

export interface RenderUnit {
  /** Feeds read article bodies; pages show one article; lists show many; assets none. */
  readonly kind: 'asset' | 'list' | 'feed' | 'page';
  /** sha256 of everything the unit's bytes depend on. */
  readonly key: string;
  /** The files `render` returns, in that order. */
  readonly paths: readonly string[];
  /** Articles whose body the rendering reads: loaded together before rendering. */
  bodies(): readonly Article[];
  render(): readonly (OutputFile | StagedOutputFile)[];
}

export interface TagGroup {
  readonly tag: Tag;
  readonly articles: readonly Article[];
}

export interface PlanInput {
  readonly site: Site;
  readonly templates: TemplateSources;
  /** Compiled on first use: a build that renders no page never compiles the templates. */
  readonly renderer: () => PageRenderer;
  /** Published articles, newest first. */
  readonly published: readonly Article[];
  /** Tags of the published articles, sorted by slug. */
  readonly byTag: ReadonlyMap<string, TagGroup>;
  readonly identities: ReadonlyMap<string, ArticleIdentity>;
  /** Article pages already rendered while parsing, by source path. */
  readonly pages: ReadonlyMap<string, KeptPage>;
  readonly staticFiles: readonly OutputFile[];
  /** Digests made so far: their web versions, the archive page and the archive's feeds. */
  readonly digests?: readonly ArchivedDigest[];
}

/** The units in a stable order: stylesheets, index, feeds, pages, tags index, archive, months, tags, digests, static files. */
export function planOutputs(input: PlanInput): RenderUnit[] {
  const { site, published, byTag, identities, pages, renderer } = input;
  const siteKey = sha256(serialize(site));
  // Not `origin`: it only names files in error messages (and depends on the working directory).
  const templatesKey = sha256(serialize({ liquid: input.templates.liquid, stylesheet: input.templates.stylesheet }));
  // Looked up by object from here on: tens of thousands of lookups (every tag lists its articles).
  const byArticle = new Map<Article, ArticleIdentity>();
  for (const a of published) byArticle.set(a, identities.get(a.sourcePath)!);
  const full = (a: Article): string => byArticle.get(a)!.full;
  const meta = (a: Article): string => byArticle.get(a)!.meta;
  const units: RenderUnit[] = [];

  units.push(unit('asset', keyOf(['style.css', templatesKey]), [SITE_STYLESHEET], none, () => [renderer().renderStylesheet()]));
  units.push(unit('asset', keyOf(['feed.xsl']), [FEED_STYLESHEET], none, () => [renderFeedStylesheet()]));
  // The home page shows the newest few and how many there are in all: editing an older article,
  // or a body, leaves it alone.
  const newest = published.slice(0, site.indexLimit);
  units.push(
    unit('list', keyOf(['index', templatesKey, siteKey, String(published.length)], newest.map(meta)), ['index.html'], none, () => [
      renderer().renderIndex(site, newest, published.length),
    ]),
  );
  units.push(feedUnit(published, undefined));
  // Ten thousand pages: the key is the hashed part common to all, then the article's identity.
  const articlePrefix = keyOf(['article', templatesKey, siteKey]);
  for (const article of published) units.push(new PageUnit(`${articlePrefix}:${full(article)}`, article, pages.get(article.sourcePath), site, renderer));
  const counts = [...byTag.values()].map((g) => ({ tag: g.tag, count: g.articles.length }));
  const countParts = counts.flatMap((c) => [c.tag.name, c.tag.slug, String(c.count)]);
  units.push(unit('list', keyOf(['tags', templatesKey, siteKey, ...countParts]), ['tags/index.html'], none, () => [renderer().renderTagsIndex(site, counts)]));
  // The archive: a page per month, each keyed on its own articles, and the list of months.
  const months = groupByMonth(site, published);
  const monthCounts = months.map((m) => ({ month: m.month, count: m.articles.length }));
  units.push(
    unit('list', keyOf(['archive', templatesKey, siteKey, ...monthCounts.flatMap((m) => [m.month, String(m.count)])]), [ARCHIVE_PAGE], none, () => [
      renderer().renderArchive(site, monthCounts),
    ]),
  );
  for (const { month, articles } of months) {
    units.push(unit('list', keyOf(['month', templatesKey, siteKey, month], articles.map(meta)), [monthPath(month)], none, () => [renderer().renderMonth(site, month, articles)]));
  }
  for (const { tag, articles } of byTag.values()) {
    units.push(
      unit('list', keyOf(['tag', templatesKey, siteKey, tag.name, tag.slug], articles.map(meta)), [`${tagDir(tag.slug)}index.html`], none, () => [
        renderer().renderTag(site, tag, articles),
      ]),
    );
    units.push(feedUnit(articles, { tag }));
  }
  const digests = input.digests ?? [];
  const digestPaths = [DIGEST_ARCHIVE_PAGE, DIGEST_FEED_PATHS.rss, DIGEST_FEED_PATHS.atom, DIGEST_FEED_PATHS.json, ...newestDigestsFirst(digests).map((d) => digestWebPath(d.id))];
  units.push(
    unit('list', keyOf(['digests', templatesKey, siteKey, sha256(serialize(digests))]), digestPaths, none, () => renderDigestArchive(renderer(), site, digests)),
  );
  for (const file of input.staticFiles) {
    units.push(unit('asset', keyOf(['static', sha256(file.content)]), [file.path], none, () => [file]));
  }
  return units;

  function feedUnit(articles: readonly Article[], scope: FeedScope | undefined): RenderUnit {
    const paths = feedPaths(scope);
    const parts = scope ? ['feeds', siteKey, scope.tag.name, scope.tag.slug] : ['feeds', siteKey];
    // `articles` are newest first (the build sorts once): a feed shows the first `feedLimit`.
    return unit('feed', keyOf(parts, articles.map(full)), [paths.rss, paths.atom, paths.json], () => articles.slice(0, site.feedLimit), () =>
      renderFeeds(site, articles, scope),
    );
  }
}

const none = (): readonly Article[] => [];

/** An article's page: one per article, so a class rather than closures (ten thousand a build). */
class PageUnit implements RenderUnit {
  readonly kind = 'page';
  readonly paths: readonly string[];
  constructor(
    readonly key: string,
    private readonly article: Article,
    /** Rendered while parsing, when it was. */
    private readonly pre: KeptPage | undefined,
    private readonly site: Site,
    private readonly renderer: () => PageRenderer,
  ) {
    this.paths = [articlePath(article.slug)];
  }

  bodies(): readonly Article[] {
    return this.pre ? [] : [this.article];
  }

  render(): readonly (OutputFile | StagedOutputFile)[] {
    const pre = this.pre;
    const file = pre ? ('bytes' in pre ? { path: pre.path, content: pre.bytes } : pre) : this.renderer().renderArticle(this.site, this.article);
    return checkedFiles(this.paths, [file]);
  }
}

function unit(
  kind: RenderUnit['kind'],
  key: string,
  paths: readonly string[],
  bodies: () => readonly Article[],
  render: () => readonly (OutputFile | StagedOutputFile)[],
): RenderUnit {
  let chosen: readonly Article[] | undefined;
  return {
    kind,
    key,
    paths,
    bodies: () => (chosen ??= bodies()),
    render: () => checkedFiles(paths, render()),
  };
}

/**
 * The files a unit rendered, as UTF-8 bytes: the writer then hashes and writes bytes without
 * encoding twice, and a page with one character beyond Latin-1 (a curly quote) takes half the
 * memory of its string. The key was computed for `paths`: a renderer producing others is a bug,
 * never output.
 */
function checkedFiles(paths: readonly string[], files: readonly (OutputFile | StagedOutputFile)[]): (OutputFile | StagedOutputFile)[] {
  if (files.length !== paths.length || files.some((f, i) => f.path !== paths[i])) {
    throw new GazetteError('OUTPUT', `internal error: expected ${paths.join(', ')} but the renderer produced ${files.map((f) => f.path).join(', ')}`);
  }
  return files.map((f) => ('content' in f && typeof f.content === 'string' ? { path: f.path, content: Buffer.from(f.content, 'utf8') } : f));
}

/**
 * sha256 of the code identity, the parts (length-prefixed: no two different lists hash alike) and
 * the article identities (hex and ISO dates: a newline ends each unambiguously).
 */
function keyOf(parts: readonly string[], articleIds: readonly string[] = []): string {
  const h: Hash = createHash('sha256');
  h.update(codeIdentity());
  for (const part of parts) h.update(`\n${part.length}:${part}`);
  h.update(`\n${articleIds.length}\n`);
  h.update(articleIds.join('\n'));
  return h.digest('hex');
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
