/**
 * The site templates as text: what `createPageRenderer` compiles. Reading them from disk is the
 * loader's job (src/output/load-templates.ts); the renderer never touches the file system.
 */

/** The page templates every site must have; any other `*.liquid` file is a partial. */
export const PAGE_TEMPLATES = {
  layout: 'layout.liquid',
  article: 'article.liquid',
  index: 'index.liquid',
  tag: 'tag.liquid',
  tags: 'tags.liquid',
  digests: 'digests.liquid',
  archive: 'archive.liquid',
  month: 'month.liquid',
} as const;

/**
 * Page templates newer than some sites' copies of the templates folder: when the site's folder
 * lacks one, the loader takes Gazette's own, so an upgrade never stops a build.
 */
export const BUILTIN_FALLBACK_TEMPLATES: readonly string[] = [PAGE_TEMPLATES.digests, PAGE_TEMPLATES.archive, PAGE_TEMPLATES.month];

/** The stylesheet source, copied verbatim to out/style.css. */
export const STYLESHEET_TEMPLATE = 'style.css';

export interface TemplateSources {
  /** Where the templates came from, for messages ("templates" → "templates/article.liquid:12"). */
  readonly origin: string;
  /**
   * File name → Liquid source, for every `*.liquid` file of the folder: the page templates above
   * plus partials they `{% render %}` and layouts they extend. Names have no folder part.
   */
  readonly liquid: Readonly<Record<string, string>>;
  /** Text of style.css. */
  readonly stylesheet: string;
}
