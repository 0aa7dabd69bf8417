/**
 * `{% include_cached "name" %}`: renders the partial `name.liquid` once per site and reuses the
 * HTML on every page, like jekyll-include-cache or Hugo's partialCached. The partial sees only
 * `site`, so its output cannot depend on the page and the cache can never be stale. It exists for
 * speed: the header, footer and site-wide <head> links are the same on all 10,000 pages, and
 * Liquid costs microseconds per tag.
 */
import type { Context, Emitter, Liquid, TagToken, Template, TopLevelToken } from 'liquidjs';
import { liquidjs } from './liquidjs.js';

export function registerIncludeCached(liquid: Liquid): void {
  // Keyed by the `site` value a page was rendered with (one SiteView object per Site).
  const cache = new WeakMap<object, Map<string, string>>();

  class IncludeCachedTag extends liquidjs.Tag {
    private readonly partial: string;
    private readonly templates: Template[];

    constructor(token: TagToken, remainTokens: TopLevelToken[], engine: Liquid) {
      super(token, remainTokens, engine);
      const m = /^\s*(["'])([^"']+)\1\s*$/.exec(token.args);
      if (!m) throw new Error(`include_cached expects one quoted partial name, as in {% include_cached "site-header" %}`);
      this.partial = m[2]!;
      // Parsed now, so a missing or broken partial is reported when the templates are compiled.
      this.templates = engine.parseFileSync(this.partial);
    }

    render(ctx: Context, emitter: Emitter): void {
      const site = ctx.getSync(['site']);
      if (site === null || typeof site !== 'object') {
        emitter.write(this.liquid.renderSync(this.templates, { site }) as string);
        return;
      }
      let perSite = cache.get(site);
      if (!perSite) cache.set(site, (perSite = new Map()));
      let html = perSite.get(this.partial);
      if (html === undefined) {
        html = this.liquid.renderSync(this.templates, { site }) as string;
        perSite.set(this.partial, html);
      }
      emitter.write(html);
    }
  }

  liquid.registerTag('include_cached', IncludeCachedTag);
}
