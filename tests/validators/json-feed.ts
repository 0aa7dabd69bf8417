import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const SCHEMA_FILE = require.resolve('jsonfeed-schema/schema-v1.1.json');

// ajv-formats is CommonJS: `module.exports` is the plugin and `exports.default` is the same function,
// which is the one NodeNext's types can see.
const addFormats = ajvFormats.default;

let validate: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (!validate) {
    // Strict, except `strictRequired`: that lint rejects the schema's own (valid) idiom of
    // `anyOf: [{ required: ["content_html"] }, { required: ["content_text"] }]`.
    const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
  }
  return validate;
}

/**
 * JSON Feed 1.1: the `jsonfeed-schema` package's schema (ajv strict, with formats), plus what the
 * 1.1 text says and the schema does not: the version is 1.1, the deprecated `author` is not used,
 * item ids are unique, and a public feed names its `home_page_url` and `feed_url`.
 * Returns the problems; empty means valid.
 */
export function validateJsonFeed(feed: unknown): string[] {
  const check = schemaValidator();
  const errors = check(feed) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  if (typeof feed !== 'object' || feed === null) return errors;
  const f = feed as Record<string, unknown>;
  if (f.version !== 'https://jsonfeed.org/version/1.1') errors.push(`/version is ${JSON.stringify(f.version)}, not 1.1`);
  if ('author' in f) errors.push('/author is deprecated in 1.1; use authors');
  for (const key of ['home_page_url', 'feed_url']) if (!(key in f)) errors.push(`/${key} is missing`);
  const seen = new Set<unknown>();
  const items = Array.isArray(f.items) ? (f.items as unknown[]) : [];
  items.forEach((item, i) => {
    if (typeof item !== 'object' || item === null) return;
    const it = item as Record<string, unknown>;
    if ('author' in it) errors.push(`/items/${i}/author is deprecated in 1.1; use authors`);
    if (seen.has(it.id)) errors.push(`/items/${i}/id ${JSON.stringify(it.id)} is not unique`);
    seen.add(it.id);
    if (it.id === '') errors.push(`/items/${i}/id is empty`);
  });
  return errors;
}
