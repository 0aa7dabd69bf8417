// Temporary site folders for tests: a config, some articles, and the real CLI run against them.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(REPO, 'bin/gazette.js');

export interface SiteOptions {
  readonly config?: Record<string, unknown>;
  readonly files?: Record<string, string | Uint8Array>;
}

/** The smallest email section a site that sends needs (tests of mail content use helpers-mail's EMAIL_CONFIG). */
export const TEST_EMAIL = { from: 'Test Site <news@test.example.org>', postalAddress: '1 Test Street, Springfield' } as const;

export function baseConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    site: {
      title: 'Test Site',
      url: 'https://test.example.org/',
      description: 'A site for tests',
      language: 'en',
      author: { name: 'Test Desk', email: 'desk@test.example.org' },
    },
    ...overrides,
  };
}

/** A fresh site folder; removed by the returned `cleanup`. */
export function makeSite(options: SiteOptions = {}): { root: string; write: (path: string, content: string | Uint8Array) => void; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'gazette-site-'));
  const write = (path: string, content: string | Uint8Array): void => {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  write('gazette.config.json', JSON.stringify(options.config ?? baseConfig(), null, 2));
  mkdirSync(join(root, 'content'), { recursive: true });
  for (const [path, content] of Object.entries(options.files ?? {})) write(path, content);
  return { root, write, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real, compiled CLI (`npm test` builds dist/ first). */
export function gazette(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CliRun {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An article file: YAML front matter with title and date (plus any `extra` lines), then the body. */
export function article(title: string, date: string, body = 'Some text.', extra = ''): string {
  return `---\ntitle: ${JSON.stringify(title)}\ndate: ${date}\n${extra}---\n${body}\n`;
}

/** Waits until files written now are older than the 2 s in which stat() is never trusted. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2100));
}
