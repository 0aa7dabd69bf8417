export type { Article, Author, Tag, DateSource } from './article.js';
export type { Site } from './site.js';
export * from './paths.js';
export type { OutputFile } from './output-file.js';
export * from './subscriber.js';
export * from './delivery.js';
