export { loadConfig, defineConfig, parseSmtpUrl, smtpPassword, CONFIG_NAMES, type Config, type Paths, type LoadConfigOptions } from './load-config.js';
export { configSchema, parseDuration, type ConfigData, type ConfigInput, type SmtpTransportConfig } from './schema.js';
export { siteFromConfig } from './site.js';
