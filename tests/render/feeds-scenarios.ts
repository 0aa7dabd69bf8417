// Renders feed scenarios while a test file is collected, then validates all of them in one batch
// (a JVM start per jing run is the slow part), so each test reads finished results.
import type { Article, OutputFile, Site } from '../../src/model/index.js';
import { feedPaths, renderFeeds, type FeedScope } from '../../src/render/feeds.js';
import { checkFeedFiles, writeOutputFiles, type FeedCheck, type ParsedFeed, type WrittenFiles } from '../validators/index.js';

export type JsonFeedObject = Record<string, unknown> & { items: Array<Record<string, unknown>> };

export interface Scenario {
  readonly files: OutputFile[];
  readonly rss: string;
  readonly atom: string;
  readonly json: JsonFeedObject;
  /** feedparser's view of the RSS and Atom files (after `validate()`). */
  readonly readers: { readonly rss: ParsedFeed; readonly atom: ParsedFeed };
  /** Every validator's complaints, all formats together; [] when all is valid (after `validate()`). */
  readonly problems: readonly string[];
}

export function contentOf(files: readonly OutputFile[], path: string): string {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} in ${files.map((f) => f.path).join(', ')}`);
  return typeof file.content === 'string' ? file.content : new TextDecoder().decode(file.content);
}

export class FeedScenarios {
  private readonly pending: Array<{ files: OutputFile[]; scope?: FeedScope; done: (check: FeedCheck, written: WrittenFiles) => void }> = [];

  /** Renders now (so render errors surface at once); validation results appear after `validate()`. */
  add(site: Site, articles: readonly Article[], scope?: FeedScope): Scenario {
    const files = renderFeeds(site, articles, scope);
    const paths = feedPaths(scope);
    let check: FeedCheck | undefined;
    const ready = (): FeedCheck => {
      if (!check) throw new Error('FeedScenarios.validate() has not run yet');
      return check;
    };
    const scenario: Scenario = {
      files,
      rss: contentOf(files, paths.rss),
      atom: contentOf(files, paths.atom),
      json: JSON.parse(contentOf(files, paths.json)) as JsonFeedObject,
      get readers() {
        const c = ready();
        if (!c.rss || !c.atom) throw new Error('feedparser results missing');
        return { rss: c.rss, atom: c.atom };
      },
      get problems() {
        return ready().problems;
      },
    };
    this.pending.push({ files, ...(scope ? { scope } : {}), done: (c) => (check = c) });
    return scenario;
  }

  /** Writes every pending scenario to its own temp folder and runs all validators once. */
  validate(): void {
    const batch = this.pending.splice(0);
    const written = batch.map((s) => writeOutputFiles(s.files));
    try {
      const sets = batch.map((s, i) => {
        const paths = feedPaths(s.scope);
        const w = written[i]!;
        return { rss: w.path(paths.rss), atom: w.path(paths.atom), json: w.path(paths.json) };
      });
      const checks = checkFeedFiles(sets);
      batch.forEach((s, i) => s.done(checks[i]!, written[i]!));
    } finally {
      for (const w of written) w.cleanup();
    }
  }
}
