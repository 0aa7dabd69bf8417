/**
 * Finds, reads and validates the config: the one place that touches the config file and the
 * environment's overrides. Returns a deeply frozen Config; every problem is reported at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { GazetteError, type Problem } from '../errors.js';
import { STATE_DIR } from '../state/state-dir.js';
import { configSchema, type ConfigData, type ConfigInput, type SmtpTransportConfig } from './schema.js';

export const CONFIG_NAMES = ['gazette.config.ts', 'gazette.config.mts', 'gazette.config.js', 'gazette.config.mjs', 'gazette.config.json'];

export interface Paths {
  /** The site folder (`--root`). */
  readonly root: string;
  readonly content: string;
  readonly out: string;
  /** Private state: database, secrets, outbox, previews. Never under out/. */
  readonly state: string;
  readonly templates: string;
}

export interface Config extends ConfigData {
  /** The config file read, relative to the root (for messages), or null when none exists. */
  readonly file: string | null;
  readonly paths: Paths;
}

/** Identity helper that gives `gazette.config.ts` type checking and editor completion. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}

export interface LoadConfigOptions {
  readonly root?: string;
  /** Explicit config file (`--config`), relative to the current directory or absolute. */
  readonly configFile?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<Config> {
  const root = resolve(options.root ?? '.');
  const env = options.env ?? process.env;
  if (!existsSync(root)) throw new GazetteError('USAGE', `--root ${root}: no such folder`);
  const file = findConfigFile(root, options.configFile);
  const raw = await readConfigFile(file);
  const near = relative(process.cwd(), file);
  const display = near && !near.startsWith('..') ? near : file;
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    // The headline names the file; each problem line names its key.
    throw GazetteError.fromProblems('CONFIG', `${display}: invalid config`, zodProblems(parsed.error));
  }
  const data = applyEnvironment(parsed.data, env);
  const config: Config = {
    ...data,
    file: relative(root, file),
    paths: {
      root,
      content: resolve(root, data.content.dir),
      out: join(root, 'out'),
      state: join(root, STATE_DIR),
      templates: join(root, 'templates'),
    },
  };
  return deepFreeze(config);
}

function findConfigFile(root: string, explicit: string | undefined): string {
  if (explicit) {
    const file = isAbsolute(explicit) ? explicit : resolve(explicit);
    if (!existsSync(file)) throw new GazetteError('CONFIG', `--config ${explicit}: no such file`);
    return file;
  }
  for (const name of CONFIG_NAMES) {
    const file = join(root, name);
    if (existsSync(file)) return file;
  }
  throw new GazetteError('CONFIG', `no config in ${root}: create gazette.config.json (or gazette.config.ts) there, or pass --config FILE`);
}

async function readConfigFile(file: string): Promise<unknown> {
  if (file.endsWith('.json')) {
    const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new GazetteError('CONFIG', `${file}${jsonErrorLine(text, e)}: not valid JSON: ${(e as Error).message}`, { cause: e });
    }
  }
  try {
    // jiti compiles TypeScript configs on the fly; plain JS configs load the same way.
    const { createJiti } = await import('jiti');
    const jiti = createJiti(pathToFileURL(file).href, { moduleCache: false, fsCache: false });
    const mod = await jiti.import<{ default?: unknown }>(file);
    return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
  } catch (e) {
    throw new GazetteError('CONFIG', `${file}: cannot load: ${(e as Error).message}`, { cause: e });
  }
}

/** V8 says "at position N" (and newer versions "line L column C"); turn it into ":line". */
function jsonErrorLine(text: string, e: unknown): string {
  const msg = String((e as Error)?.message ?? '');
  const line = /line (\d+)/.exec(msg);
  if (line) return `:${line[1]}`;
  const pos = /position (\d+)/.exec(msg);
  if (!pos) return '';
  return `:${text.slice(0, Number(pos[1])).split('\n').length}`;
}

export function zodProblems(error: z.ZodError, file?: string): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ ...(file ? { file } : {}), key: base ? `${base}.${key}` : key, message: 'unknown key' });
      }
    } else {
      const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
      problems.push({ ...(file ? { file } : {}), key: base || '(root)', message: missing ? 'required' : issue.message });
    }
  }
  return problems;
}

/** GAZETTE_SMTP_URL replaces `email.transport` (smtp:// for STARTTLS, smtps:// for TLS). */
function applyEnvironment(data: ConfigData, env: NodeJS.ProcessEnv): ConfigData {
  const url = env.GAZETTE_SMTP_URL?.trim();
  if (!url) return data;
  const transport = parseSmtpUrl(url);
  const email = data.email;
  if (!email) {
    throw new GazetteError('CONFIG', 'GAZETTE_SMTP_URL is set but the config has no "email" section (email.from and email.postalAddress are needed to send)');
  }
  return { ...data, email: { ...email, transport } };
}

export function parseSmtpUrl(text: string): SmtpTransportConfig {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new GazetteError('CONFIG', `GAZETTE_SMTP_URL: not a URL (expected smtp://user:pass@host:port or smtps://…)`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new GazetteError('CONFIG', `GAZETTE_SMTP_URL: scheme "${url.protocol}" is not smtp: or smtps:`);
  }
  if (!url.hostname) throw new GazetteError('CONFIG', 'GAZETTE_SMTP_URL: no host');
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const q = url.searchParams;
  const num = (key: string, fallback: number): number => {
    const v = q.get(key);
    if (v === null) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new GazetteError('CONFIG', `GAZETTE_SMTP_URL: ${key}=${v} is not a number`);
    return n;
  };
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host: hostname,
    port,
    secure,
    requireTLS: q.get('requireTLS') === 'true',
    auth: url.username
      ? { user: decodeURIComponent(url.username), passEnv: 'GAZETTE_SMTP_URL' }
      : undefined,
    pool: q.get('pool') !== 'false',
    maxConnections: num('maxConnections', 5),
    rateLimit: num('rateLimit', 0),
    rejectUnauthorized: q.get('rejectUnauthorized') !== 'false',
  };
}

/** The SMTP password: from the URL when the transport came from GAZETTE_SMTP_URL, else from `auth.passEnv`. */
export function smtpPassword(transport: SmtpTransportConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!transport.auth) return undefined;
  if (transport.auth.passEnv === 'GAZETTE_SMTP_URL') {
    const url = env.GAZETTE_SMTP_URL ? new URL(env.GAZETTE_SMTP_URL) : undefined;
    return url?.password ? decodeURIComponent(url.password) : undefined;
  }
  return env[transport.auth.passEnv];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
