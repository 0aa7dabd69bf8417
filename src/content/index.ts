/** The content stage: a folder of articles → validated Article values. */
export { parseArticle, articleKind } from './parse-article.js';
export type { ParseArticleInput, ParsedArticle } from './parse-article.js';
export { loadContent, MAX_ARTICLE_BYTES } from './load-content.js';
export type { LoadContentOptions, LoadResult, NewlySeen } from './load-content.js';
export type { FirstSeenLedger } from './first-seen-ledger.js';
export { PARSER_VERSION, parseFingerprint } from './parse-cache.js';
export type { ParseCache } from './parse-cache.js';
export { isPublished } from './is-published.js';
