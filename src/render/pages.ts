/**
 * The static site's HTML pages, rendered from the operator's Liquid templates. Pure: templates
 * arrive as text (TemplateSources), are parsed once, and every render is synchronous, reads no
 * clock and no file. Liquid escapes every `{{ output }}` (outputEscape: 'escape'); only the
 * already-sanitised article body is written with `| raw`.
 */
import type { Template } from 'liquidjs';
import { GazetteError, formatProblem, type Problem } from '../errors.js';
import type { Article, OutputFile, Site, Tag } from '../model/index.js';
import { ARCHIVE_PAGE, SITE_STYLESHEET, articlePath, monthPath, tagDir } from '../model/index.js';
import { groupByMonth, type MonthCount } from './page-archive.js';
import { intlLocale } from './page-dates.js';
import type { ArchivedDigest } from './archived-digest.js';
import { DIGEST_ARCHIVE_PAGE } from './digest-archive-paths.js';
import { digestArchivePageData } from './digest-archive-view.js';
import { createPageLiquid, templateBaseName, type PageLiquidOptions } from './page-liquid.js';
import { PAGE_TEMPLATES, type TemplateSources } from './page-sources.js';
import { countTags, type TagCount } from './page-tags.js';
import {
  articleSummaryView,
  articleView,
  feedLinks,
  monthView,
  newestFirst,
  siteFeedLinks,
  siteView,
  tagUrl,
  tagView,
  type PageMeta,
  type TagCountView,
} from './page-view.js';

export interface PageRenderer {
  /** `articles/<slug>/index.html`. */
  renderArticle(site: Site, article: Article): OutputFile;
  /**
   * `index.html`: the newest `site.indexLimit` of the articles given (the published ones, or
   * already just the newest of them), newest first; `total` is how many the archive lists.
   */
  renderIndex(site: Site, articles: readonly Article[], total?: number): OutputFile;
  /** `archive/index.html`: the months with articles, newest first, and how many each has. */
  renderArchive(site: Site, months: readonly MonthCount[]): OutputFile;
  /** `archive/YYYY/MM/index.html`: the articles of one month ("YYYY-MM"), newest first. */
  renderMonth(site: Site, month: string, articles: readonly Article[]): OutputFile;
  /** `tags/<slug>/index.html`: those of `articles` that carry `tag`, newest first. */
  renderTag(site: Site, tag: Tag, articles: readonly Article[]): OutputFile;
  /** `tags/index.html`: every tag with its article count. */
  renderTagsIndex(site: Site, tags: readonly TagCount[]): OutputFile;
  /** `digests/index.html`: the digest archive, newest first (see digest-archive.ts). */
  renderDigestsIndex(site: Site, digests: readonly ArchivedDigest[]): OutputFile;
  /** `style.css`, as written in the templates folder. */
  renderStylesheet(): OutputFile;
}

type PageName = keyof typeof PAGE_TEMPLATES;

export function createPageRenderer(sources: TemplateSources, options: PageLiquidOptions = {}): PageRenderer {
  const missing = Object.values(PAGE_TEMPLATES).filter((name) => typeof sources.liquid[name] !== 'string');
  if (missing.length > 0) {
    const problems = missing.map((name) => ({ file: templateFile(sources, name), message: 'template missing' }));
    throw GazetteError.fromProblems('TEMPLATE', `templates missing in ${sources.origin}/ (restore them from Gazette's templates/ folder)`, problems);
  }

  const liquid = createPageLiquid(sources.liquid, options);

  // Parse every file now, partials included, so a syntax error anywhere fails here, all at once.
  const parsed = new Map<string, Template[]>();
  const problems: Problem[] = [];
  let firstError: unknown;
  for (const name of Object.keys(sources.liquid).sort()) {
    try {
      parsed.set(name, liquid.parseFileSync(templateBaseName(name)));
    } catch (e) {
      firstError ??= e;
      problems.push(liquidProblem(sources, name, e));
    }
  }
  if (problems.length === 1) throw new GazetteError('TEMPLATE', formatProblem(problems[0]!), { problems, cause: firstError });
  if (problems.length > 1) throw GazetteError.fromProblems('TEMPLATE', `${problems.length} templates do not compile`, problems);

  const render = (page: PageName, path: string, data: Record<string, unknown>): OutputFile => {
    const name = PAGE_TEMPLATES[page];
    let html: string;
    try {
      html = liquid.renderSync(parsed.get(name)!, data) as string;
    } catch (e) {
      const p = liquidProblem(sources, name, e);
      throw new GazetteError('TEMPLATE', `${formatProblem(p)} (rendering ${path})`, { problems: [p], cause: e });
    }
    return { path, content: cleanText(html) };
  };

  return {
    renderArticle(site, article) {
      const view = articleView(site, article);
      const page: PageMeta = {
        title: article.title,
        description: article.summary,
        url: article.url,
        canonical: view.canonical,
        type: 'article',
        image: view.image,
      };
      const feeds = siteFeedLinks(site);
      return render('article', articlePath(article.slug), { site: siteView(site), page, feeds, article: view });
    },

    renderIndex(site, articles, total = articles.length) {
      const page = websitePage(site, null, site.url);
      const list = newestFirst(articles)
        .slice(0, site.indexLimit)
        .map((a) => articleSummaryView(site, a));
      const feeds = siteFeedLinks(site);
      const archive = { url: siteView(site).archiveUrl, count: total };
      return render('index', 'index.html', { site: siteView(site), page, feeds, articles: list, archive });
    },

    renderArchive(site, months) {
      const list = [...months].sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : 0)).map((m) => monthView(site, m.month, m.count));
      const url = siteView(site).archiveUrl;
      const archive = { url, count: list.reduce((n, m) => n + m.count, 0) };
      return render('archive', ARCHIVE_PAGE, { site: siteView(site), page: websitePage(site, null, url), feeds: siteFeedLinks(site), archive, months: list });
    },

    renderMonth(site, month, articles) {
      const list = newestFirst(articles).map((a) => articleSummaryView(site, a));
      const view = monthView(site, month, list.length);
      const page = websitePage(site, view.name, view.url);
      return render('month', monthPath(month), { site: siteView(site), page, feeds: siteFeedLinks(site), month: view, articles: list });
    },

    renderTag(site, tag, articles) {
      const tagged = newestFirst(articles.filter((a) => a.tags.some((t) => t.slug === tag.slug)));
      const url = tagUrl(site, tag.slug);
      const view: TagCountView = { ...tagView(site, tag), count: tagged.length };
      const page = websitePage(site, tag.name, url);
      // A tag page offers its own feeds first (what a reader subscribing here wants), then the site's.
      const feeds = [...feedLinks(url, `${site.title}: ${tag.name}`), ...siteFeedLinks(site)];
      const list = tagged.map((a) => articleSummaryView(site, a));
      return render('tag', `${tagDir(tag.slug)}index.html`, { site: siteView(site), page, feeds, tag: view, articles: list });
    },

    renderTagsIndex(site, tags) {
      const collator = new Intl.Collator(intlLocale(site.language));
      const list: TagCountView[] = [...tags]
        .sort((a, b) => collator.compare(a.tag.name, b.tag.name) || (a.tag.slug < b.tag.slug ? -1 : a.tag.slug > b.tag.slug ? 1 : 0))
        .map((t) => ({ ...tagView(site, t.tag), count: t.count }));
      const page = websitePage(site, null, siteView(site).tagsUrl);
      const feeds = siteFeedLinks(site);
      return render('tags', 'tags/index.html', { site: siteView(site), page, feeds, tags: list });
    },

    renderDigestsIndex(site, digests) {
      const data = digestArchivePageData(site, digests);
      const page = websitePage(site, null, data.archive.url);
      return render('digests', DIGEST_ARCHIVE_PAGE, { site: siteView(site), page, ...data });
    },

    renderStylesheet() {
      return { path: SITE_STYLESHEET, content: sources.stylesheet };
    },
  };
}

/**
 * Every page of the site, in a stable order: articles, index, tags index, archive, months, tag
 * pages, stylesheet.
 * `articles` are the published ones (the same list the feeds get); `tags` default to theirs.
 */
export function renderPages(renderer: PageRenderer, site: Site, articles: readonly Article[], tags: readonly TagCount[] = countTags(articles)): OutputFile[] {
  const files: OutputFile[] = articles.map((a) => renderer.renderArticle(site, a));
  files.push(renderer.renderIndex(site, articles));
  files.push(renderer.renderTagsIndex(site, tags));
  const months = groupByMonth(site, newestFirst(articles));
  files.push(renderer.renderArchive(site, months.map((m) => ({ month: m.month, count: m.articles.length }))));
  for (const m of months) files.push(renderer.renderMonth(site, m.month, m.articles));
  const byTag = new Map<string, Article[]>();
  for (const a of articles) {
    for (const t of a.tags) {
      const list = byTag.get(t.slug);
      if (!list) byTag.set(t.slug, [a]);
      else if (list[list.length - 1] !== a) list.push(a);
    }
  }
  for (const { tag } of tags) files.push(renderer.renderTag(site, tag, byTag.get(tag.slug) ?? []));
  files.push(renderer.renderStylesheet());
  return files;
}

function websitePage(site: Site, title: string | null, url: string): PageMeta {
  return { title, description: site.description, url, canonical: url, type: 'website', image: null };
}

function templateFile(sources: TemplateSources, name: string): string {
  return `${sources.origin}/${templateBaseName(name)}.liquid`;
}

/** A Liquid error as a Problem naming the file and line it points at (a partial's, when it is there). */
function liquidProblem(sources: TemplateSources, fallbackName: string, e: unknown): Problem {
  const err = e as { message?: unknown; token?: { file?: unknown; getPosition?: () => [number, number] } };
  const token = err?.token;
  const name = typeof token?.file === 'string' && token.file !== '' ? token.file.replace(/^.*\//, '') : fallbackName;
  const raw = typeof err?.message === 'string' ? err.message : String(e);
  // LiquidJS appends ", file:x, line:y, col:z"; the Problem carries those separately.
  const message = raw.replace(/(, file:[^]*?)?, line:\d+, col:\d+$/, '');
  const position = typeof token?.getPosition === 'function' ? token.getPosition() : undefined;
  return {
    file: templateFile(sources, name),
    ...(position ? { line: position[0], column: position[1] } : {}),
    message,
  };
}

// C0 and C1 controls (other than tab, LF, FF, CR) and the noncharacters U+FFFE/U+FFFF are HTML
// parse errors and show as garbage; no page should carry them, whatever the content held. A lone
// surrogate cannot be encoded as UTF-8: it becomes U+FFFD here rather than silently on write.
const SUSPECT = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/;
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function cleanText(html: string): string {
  if (!SUSPECT.test(html)) return html;
  return html.replace(CONTROL, '').replace(LONE_SURROGATE, '\uFFFD');
}
