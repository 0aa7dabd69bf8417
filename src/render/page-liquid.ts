/**
 * The Liquid engine the site templates run in: templates from an in-memory map only (a template
 * can never read a file), every output HTML-escaped, unknown filters rejected when parsing, dates
 * independent of the build machine, each file parsed once, and the fast path for common tags.
 */
import type { Liquid, LiquidOptions, Template } from 'liquidjs';
import { liquidjs } from './liquidjs.js';
import { registerIncludeCached } from './page-include-cached.js';
import { accelerate } from './page-liquid-fast.js';

export interface PageLiquidOptions {
  /**
   * Render the common tags through Gazette's synchronous fast path (page-liquid-fast.ts), several
   * times faster than LiquidJS's generators and byte-identical. Default true; false is for tests.
   */
  readonly fast?: boolean;
}

/**
 * An engine over `files` (file name → source). "article-list" and "article-list.liquid" both name
 * article-list.liquid in `{% render %}`, `{% layout %}` and `{% include_cached %}`.
 */
export function createPageLiquid(files: Readonly<Record<string, string>>, options: PageLiquidOptions = {}): Liquid {
  const templates: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    templates[name] = text;
    templates[templateBaseName(name)] = text;
  }
  const hooks: { onParsed?: (parsed: Template[]) => void } = {};
  const liquid = new liquidjs.Liquid({
    templates,
    extname: '',
    cache: new ParsedTemplates((parsed) => hooks.onParsed?.(parsed)),
    outputEscape: 'escape',
    strictFilters: true,
    ownPropertyOnly: true,
    // The `date` filter must not depend on the build machine: UTC and English unless the value
    // carries its own offset (PageDate.iso does).
    timezoneOffset: 0,
    preserveTimezones: true,
    locale: 'en-US',
  });
  // Whatever LiquidJS parses (pages, layouts, partials) gets the fast path as it enters the cache.
  if (options.fast !== false) hooks.onParsed = (parsed) => accelerate(liquid, parsed);
  registerIncludeCached(liquid);
  return liquid;
}

export function templateBaseName(name: string): string {
  return name.endsWith('.liquid') ? name.slice(0, -'.liquid'.length) : name;
}

type LiquidCache = Exclude<NonNullable<LiquidOptions['cache']>, boolean | number>;

/**
 * LiquidJS's template cache keyed by file alone: LiquidJS keys by lookup type too ("partials:x",
 * "layouts:x"), which would parse a file once per way it is used. Every template here comes from
 * one in-memory map, so one entry per file is exact.
 */
class ParsedTemplates implements LiquidCache {
  private readonly map = new Map<string, Template[] | Promise<Template[]>>();
  constructor(private readonly onParsed: (templates: Template[]) => void) {}
  private key(key: string): string {
    return key.replace(/^(?:root|partials|layouts):/, '');
  }
  read(key: string): Template[] | Promise<Template[]> | undefined {
    return this.map.get(this.key(key));
  }
  write(key: string, value: Template[] | Promise<Template[]>): void {
    if (Array.isArray(value)) this.onParsed(value);
    this.map.set(this.key(key), value);
  }
  remove(key: string): void {
    this.map.delete(this.key(key));
  }
}
