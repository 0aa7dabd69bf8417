import type { Site } from '../model/index.js';
import type { Config } from './load-config.js';

/** The renderers' view of the site, derived once from the config. */
export function siteFromConfig(config: Config): Site {
  const s = config.site;
  return {
    title: s.title,
    url: s.url,
    description: s.description,
    language: s.language,
    timezone: s.timezone,
    ...(s.author ? { author: s.author } : {}),
    id: s.id ?? s.url,
    feedLimit: config.feeds.limit,
    indexLimit: config.pages.indexLimit,
  };
}
