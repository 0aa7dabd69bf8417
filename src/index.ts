// Gazette's public library API: re-exports only.
export { defineConfig, loadConfig, type Config, type ConfigInput } from './config/index.js';
export { GazetteError, type Problem, type ErrorCode } from './errors.js';
export type { Article, Author, Tag, Site, OutputFile } from './model/index.js';
