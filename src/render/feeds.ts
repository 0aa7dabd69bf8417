// Feed rendering's public surface (RSS 2.0, Atom 1.0, JSON Feed 1.1 and the browser stylesheet);
// everything else under feeds/ is internal.
export { renderFeeds } from './feeds/render-feeds.js';
export { renderFeedStylesheet } from './feeds/feed-stylesheet.js';
export { feedPaths, type FeedScope } from './feeds/feed-paths.js';
export { EMPTY_FEED_UPDATED } from './feeds/atom.js';
