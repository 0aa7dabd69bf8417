/**
 * A fingerprint of everything in the running program that can change what a build produces from
 * the same content, templates and config: Gazette's own code that parses and renders, the exact
 * installed dependencies, and the Node.js runtime (V8, ICU time zone and locale data).
 *
 * Every cached parse and every output's render key includes it, so upgrading Gazette or a
 * dependency, or editing the parser during development, can never reuse a stale result: a new
 * identity simply starts from an empty cache. No version constant has to be remembered.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVersionFrom } from '../package-version.js';

/** Bump when the build cache's shape or meaning changes without any code file changing. */
export const BUILD_CACHE_VERSION = 'gazette-build-cache-1';

/**
 * Folders of Gazette's code (siblings of this one) whose files shape the outputs; `bundle` is the
 * CLI as bin/gazette.js runs it (rolldown.config.mjs), made from the others.
 */
const CODE_FOLDERS = ['build', 'bundle', 'content', 'model', 'render'];
/** Single files that shape the outputs too: the orchestrator decides what is rendered. */
const CODE_FILES = ['commands/build', 'config/site', 'errors'];
/** The dependencies whose code runs while parsing and rendering (used when no lockfile is found). */
const OUTPUT_DEPENDENCIES = ['feed', 'liquidjs', 'markdown-it', 'markdown-it-footnote', 'markdown-it-task-lists', 'sanitize-html', 'yaml', 'zod'];

let memo: string | undefined;

export function codeIdentity(): string {
  memo ??= computeIdentity();
  return memo;
}

function computeIdentity(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const codeRoot = dirname(here);
  const h = createHash('sha256');
  h.update(`${BUILD_CACHE_VERSION}\0${process.version}\0${JSON.stringify(process.versions)}\0${process.arch}\0`);
  const files: string[] = [];
  for (const folder of CODE_FOLDERS) collectCode(join(codeRoot, folder), files);
  for (const name of CODE_FILES) {
    for (const ext of ['.js', '.ts']) if (existsSync(join(codeRoot, name + ext))) files.push(join(codeRoot, name + ext));
  }
  files.sort();
  for (const file of files) {
    h.update(`${file.slice(codeRoot.length)}\0`);
    h.update(readFileSync(file));
    h.update('\0');
  }
  h.update(dependencyIdentity(here));
  return h.digest('hex');
}

function collectCode(dir: string, into: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collectCode(path, into);
    else if (/\.(js|ts|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) into.push(path);
  }
}

/**
 * npm keeps an exact record of the installed tree in node_modules/.package-lock.json: any install,
 * update or removal rewrites it. Without one (another package manager), the versions of the
 * dependencies that parse and render.
 */
function dependencyIdentity(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const lock = join(dir, 'node_modules', '.package-lock.json');
    if (existsSync(lock)) return createHash('sha256').update(readFileSync(lock)).digest('hex');
    if (dir === parse(dir).root) break;
  }
  const require = createRequire(import.meta.url);
  return OUTPUT_DEPENDENCIES.map((name) => `${name}@${installedVersion(require, name)}`).join(',');
}

function installedVersion(require: NodeJS.Require, name: string): string {
  try {
    return packageVersionFrom(dirname(require.resolve(name)), name);
  } catch {
    return 'missing';
  }
}
