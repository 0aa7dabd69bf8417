export { compareNewestFirst, type Article, type Author, type Tag, type DateSource } from './article.js';
export type { Site } from './site.js';
export * from './paths.js';
export type { OutputFile } from './output-file.js';
export * from './subscriber.js';
export * from './delivery.js';
export { uuidV5 } from './uuid-v5.js';
