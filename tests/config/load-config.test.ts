import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, parseSmtpUrl } from '../../src/config/index.js';
import { GazetteError } from '../../src/errors.js';
import { REPO, baseConfig, makeSite } from '../helpers/site.js';

const sites: Array<{ cleanup: () => void }> = [];
afterEach(() => sites.splice(0).forEach((s) => s.cleanup()));

function siteWith(config: unknown) {
  const site = makeSite();
  sites.push(site);
  site.write('gazette.config.json', typeof config === 'string' ? config : JSON.stringify(config));
  return site;
}

async function problemsOf(config: unknown, env: NodeJS.ProcessEnv = {}): Promise<GazetteError> {
  const site = siteWith(config);
  const error = await loadConfig({ root: site.root, env }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GazetteError);
  return error as GazetteError;
}

describe('loadConfig', () => {
  it('fills defaults and normalises the site URL', async () => {
    const site = siteWith(baseConfig({ site: { title: 'T', url: 'https://x.example/blog' } }));
    const config = await loadConfig({ root: site.root, env: {} });
    expect(config.site.url).toBe('https://x.example/blog/');
    expect(config.site.language).toBe('en');
    expect(config.site.timezone).toBe('UTC');
    expect(config.feeds.limit).toBe(50);
    expect(config.pages.indexLimit).toBe(30);
    expect(config.digest.maxArticles).toBe(10);
    expect(config.digest.lookback).toBe('7d');
    expect(config.paths.out).toBe(join(site.root, 'out'));
    expect(config.paths.state).toBe(join(site.root, '.gazette'));
    expect(Object.isFrozen(config.site)).toBe(true);
  });

  it('loads the example site config of this repository', async () => {
    const config = await loadConfig({ root: REPO, env: {} });
    expect(config.site.title).toBe('Example News');
    expect(config.email?.transport).toBe('outbox');
    expect(config.schedule.timezone).toBe('Europe/Berlin');
  });

  it('reports every unknown or malformed key at once, each by its dotted name', async () => {
    const error = await problemsOf({
      site: { title: 'T', url: 'not a url', titel: 'typo' },
      feeds: { limit: '50' },
      pages: { indexLimit: 0, index: 5 },
      digest: { maxArticle: 3 },
      schedule: { digest: '61 * * * *', timezone: 'Mars/Olympus' },
      extra: true,
    });
    const keys = error.problems.map((p) => p.key).sort();
    expect(keys).toEqual(['digest.maxArticle', 'extra', 'feeds.limit', 'pages.index', 'pages.indexLimit', 'schedule.digest', 'schedule.timezone', 'site.titel', 'site.url']);
    expect(error.code).toBe('CONFIG');
    expect(error.message).toContain('gazette.config.json');
    expect(error.message).toMatch(/site\.url.*http/);
  });

  it('takes site.author as a name or as an object, and names it when it is neither', async () => {
    const load = (author: unknown) => loadConfig({ root: siteWith(baseConfig({ site: { title: 'T', url: 'https://x.example/', author } })).root, env: {} });
    expect((await load(' Desk ')).site.author).toEqual({ name: 'Desk' });
    expect((await load({ name: 'Desk', email: 'desk@example.org' })).site.author).toEqual({ name: 'Desk', email: 'desk@example.org' });
    for (const [author, expected] of [
      [5, /site\.author: expected a name, or \{ "name"/],
      ['  ', /site\.author: expected a name/],
      [{ name: 'Desk', emial: 'x' }, /site\.author\.emial: unknown key/],
      [{ name: 'Desk', email: 'nope' }, /site\.author\.email: /],
    ] as const) {
      const error = await problemsOf(baseConfig({ site: { title: 'T', url: 'https://x.example/', author } }));
      expect(error.message).toMatch(expected);
    }
  });

  it('names a missing required key', async () => {
    const error = await problemsOf({ site: { url: 'https://x.example/' } });
    expect(error.problems).toEqual([expect.objectContaining({ key: 'site.title', message: 'required' })]);
  });

  it('accepts 6-field cron expressions and rejects 4-field ones', async () => {
    const ok = siteWith(baseConfig({ schedule: { build: '*/5 * * * * *' } }));
    await expect(loadConfig({ root: ok.root, env: {} })).resolves.toBeTruthy();
    const error = await problemsOf(baseConfig({ schedule: { build: '* * * *' } }));
    expect(error.problems.map((p) => p.key)).toEqual(['schedule.build']);
  });

  it('names the line of a JSON syntax error', async () => {
    const error = await problemsOf('{\n  "site": {\n    "title": "T",,\n  }\n}\n');
    expect(error.message).toMatch(/gazette\.config\.json:3/);
  });

  it('loads gazette.config.ts through defineConfig', async () => {
    const site = makeSite();
    sites.push(site);
    const api = JSON.stringify(join(REPO, 'src/index.ts'));
    rmSync(join(site.root, 'gazette.config.json'));
    site.write(
      'gazette.config.ts',
      `import { defineConfig } from ${api};\nconst limit: number = 7;\nexport default defineConfig({ site: { title: 'TS Site', url: 'https://ts.example/' }, feeds: { limit } });\n`,
    );
    const config = await loadConfig({ root: site.root, env: {} });
    expect(config.site.title).toBe('TS Site');
    expect(config.feeds.limit).toBe(7);
    expect(config.file).toBe('gazette.config.ts');
  });

  it('lets GAZETTE_SMTP_URL replace the transport, without putting the password in the config', async () => {
    const site = siteWith(baseConfig({ email: { from: 'a@x.example', postalAddress: '1 Street, Town' } }));
    const config = await loadConfig({ root: site.root, env: { GAZETTE_SMTP_URL: 'smtp://user:s%40cret@127.0.0.1:2525?rateLimit=20' } });
    expect(config.email?.transport).toMatchObject({ host: '127.0.0.1', port: 2525, secure: false, rateLimit: 20, auth: { user: 'user' } });
    expect(JSON.stringify(config)).not.toContain('cret');
  });

  it('rejects a bad GAZETTE_SMTP_URL by name', async () => {
    expect(() => parseSmtpUrl('http://127.0.0.1')).toThrow(/GAZETTE_SMTP_URL.*http:/);
    expect(() => parseSmtpUrl('smtp://127.0.0.1:2525?rateLimit=fast')).toThrow(/GAZETTE_SMTP_URL: rateLimit=fast/);
    expect(() => parseSmtpUrl('::::')).toThrow(/GAZETTE_SMTP_URL: not a URL/);
    expect(parseSmtpUrl('smtps://mail.example.org')).toMatchObject({ secure: true, port: 465 });
  });

  it('says where to put a config when there is none', async () => {
    const site = makeSite();
    sites.push(site);
    rmSync(join(site.root, 'gazette.config.json'));
    await expect(loadConfig({ root: site.root, env: {} })).rejects.toThrow(/no config in .*gazette\.config\.json/);
  });
});
