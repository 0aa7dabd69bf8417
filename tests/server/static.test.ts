// The static half of `gazette serve`, through real HTTP requests against the real server.
import { mkdirSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server/create-server.js';
import { rawRequest, tempDir, testSite } from './helpers.js';

const SECRET = 'TOP-SECRET-MARKER';
const FEED = `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Test</title>${'<item><title>Ünïcödé news</title></item>'.repeat(60)}</channel></rss>\n`;
const FIXED_MTIME = new Date('2026-03-01T10:00:00Z');

function siteFiles(): Record<string, string | Uint8Array> {
  return {
    'out/index.html': '<!doctype html><title>Home</title><h1>Home page</h1>',
    'out/feed.xml': FEED,
    'out/atom.xml': `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">${'<entry/>'.repeat(200)}</feed>`,
    'out/feed.json': JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Test', items: [] }),
    'out/feed.xsl': '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>',
    'out/style.css': `body { color: black; }\n${'.x { margin: 0 }\n'.repeat(100)}`,
    'out/articles/hello/index.html': '<!doctype html><title>Hello</title><p>Hello article</p>',
    'out/tags/news/feed.xml': FEED,
    'out/about.html': '<!doctype html><title>About</title><p>About us</p>',
    'out/logo.png': Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
    'out/data.bin': Buffer.from([1, 2, 3]),
    'out/.env': `SMTP_PASSWORD=${SECRET}`,
    'out/.hidden/secret.txt': SECRET,
    'secret.txt': SECRET,
    'outside/secret.txt': SECRET,
  };
}

let app: FastifyInstance;
let port: number;
let root: ReturnType<typeof tempDir>;
let out: string;

beforeAll(async () => {
  root = tempDir(siteFiles());
  out = join(root.dir, 'out');
  for (const f of ['index.html', 'feed.xml', 'style.css']) utimesSync(join(out, f), FIXED_MTIME, FIXED_MTIME);
  symlinkSync(join(root.dir, 'secret.txt'), join(out, 'leak.txt'));
  symlinkSync(join(root.dir, 'outside'), join(out, 'escape'));
  symlinkSync(join(out, '.env'), join(out, 'env.txt'));
  symlinkSync(join(out, 'about.html'), join(out, 'alias.html'));
  app = createServer({ outDir: out, site: testSite('https://news.example.org/') });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await app.close();
  root.cleanup();
});

const get = (path: string, headers: Record<string, string> = {}) => rawRequest(port, path, { headers });

describe('content types and caching', () => {
  it.each([
    ['/feed.xml', 'application/rss+xml; charset=utf-8', 'public, max-age=300'],
    ['/atom.xml', 'application/atom+xml; charset=utf-8', 'public, max-age=300'],
    ['/feed.json', 'application/feed+json; charset=utf-8', 'public, max-age=300'],
    ['/tags/news/feed.xml', 'application/rss+xml; charset=utf-8', 'public, max-age=300'],
    ['/', 'text/html; charset=utf-8', 'public, max-age=300'],
    ['/feed.xsl', 'application/xslt+xml; charset=utf-8', 'public, max-age=3600'],
    ['/style.css', 'text/css; charset=utf-8', 'public, max-age=3600'],
    ['/logo.png', 'image/png', 'public, max-age=86400'],
    ['/data.bin', 'application/octet-stream', 'public, max-age=300'],
  ])('%s is %s', async (path, type, cache) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe(cache);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('serves the bytes of the file unchanged', async () => {
    const res = await get('/feed.xml');
    expect(res.body.toString('utf8')).toBe(FEED);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(FEED)));
    expect(res.headers['last-modified']).toBe(FIXED_MTIME.toUTCString());
  });
});

describe('ETag and 304', () => {
  it('gives a strong, stable ETag', async () => {
    const a = await get('/feed.xml');
    const b = await get('/feed.xml');
    expect(a.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(b.headers.etag).toBe(a.headers.etag);
    // Same bytes under another name: same tag (it is a hash of the content).
    expect((await get('/tags/news/feed.xml')).headers.etag).toBe(a.headers.etag);
  });

  it('answers 304 with no body to If-None-Match, keeping the validators and cache headers', async () => {
    const { headers } = await get('/feed.xml');
    const res = await get('/feed.xml', { 'if-none-match': headers.etag! });
    expect(res.status).toBe(304);
    expect(res.body.length).toBe(0);
    expect(res.headers.etag).toBe(headers.etag);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers['last-modified']).toBe(FIXED_MTIME.toUTCString());
  });

  it('matches within a list, with W/ prefixes and with *', async () => {
    const { headers } = await get('/feed.xml');
    expect((await get('/feed.xml', { 'if-none-match': `"nope", W/${headers.etag!}` })).status).toBe(304);
    expect((await get('/feed.xml', { 'if-none-match': '*' })).status).toBe(304);
    expect((await get('/feed.xml', { 'if-none-match': '"nope", "also-nope"' })).status).toBe(200);
  });

  it('uses If-Modified-Since only without If-None-Match', async () => {
    const later = new Date(FIXED_MTIME.getTime() + 1000).toUTCString();
    const earlier = new Date(FIXED_MTIME.getTime() - 1000).toUTCString();
    expect((await get('/feed.xml', { 'if-modified-since': FIXED_MTIME.toUTCString() })).status).toBe(304);
    expect((await get('/feed.xml', { 'if-modified-since': later })).status).toBe(304);
    expect((await get('/feed.xml', { 'if-modified-since': earlier })).status).toBe(200);
    expect((await get('/feed.xml', { 'if-modified-since': 'not a date' })).status).toBe(200);
    expect((await get('/feed.xml', { 'if-none-match': '"other"', 'if-modified-since': later })).status).toBe(200);
  });

  it('gives a new ETag when a rebuild replaces the file, and no 304 for the old one', async () => {
    const before = await get('/about.html');
    const temp = join(out, 'about.html.tmp');
    writeFileSync(temp, '<!doctype html><title>About</title><p>About us, revised</p>');
    renameSync(temp, join(out, 'about.html'));
    const after = await get('/about.html', { 'if-none-match': before.headers.etag! });
    expect(after.status).toBe(200);
    expect(after.body.toString()).toContain('revised');
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });
});

describe('HEAD', () => {
  it('sends the headers of GET and no body', async () => {
    const g = await get('/feed.xml');
    const h = await rawRequest(port, '/feed.xml', { method: 'HEAD' });
    expect(h.status).toBe(200);
    expect(h.body.length).toBe(0);
    for (const name of ['content-type', 'content-length', 'etag', 'last-modified', 'cache-control']) {
      expect(h.headers[name], name).toBe(g.headers[name]);
    }
  });

  it('sends the compressed length when compression is asked for', async () => {
    const g = await get('/feed.xml', { 'accept-encoding': 'br' });
    const h = await rawRequest(port, '/feed.xml', { method: 'HEAD', headers: { 'accept-encoding': 'br' } });
    expect(h.headers['content-encoding']).toBe('br');
    expect(h.headers['content-length']).toBe(String(g.body.length));
  });

  it('answers 304 to a conditional HEAD', async () => {
    const { headers } = await get('/style.css');
    const h = await rawRequest(port, '/style.css', { method: 'HEAD', headers: { 'if-none-match': headers.etag! } });
    expect(h.status).toBe(304);
  });
});

describe('compression', () => {
  it('sends brotli to clients that accept it, with its own strong ETag', async () => {
    const plain = await get('/feed.xml');
    const res = await get('/feed.xml', { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.body.length).toBeLessThan(Buffer.byteLength(FEED) / 4);
    expect(brotliDecompressSync(res.body).toString('utf8')).toBe(FEED);
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{32}-br"$/);
    expect(res.headers.etag).not.toBe(plain.headers.etag);
  });

  it('sends gzip when brotli is refused or not offered', async () => {
    for (const ae of ['gzip', 'br;q=0, gzip', 'gzip;q=1, br;q=0.5']) {
      const res = await get('/feed.xml', { 'accept-encoding': ae });
      expect(res.headers['content-encoding'], ae).toBe('gzip');
      expect(gunzipSync(res.body).toString('utf8')).toBe(FEED);
    }
  });

  it('sends identity without Accept-Encoding or when nothing offered is acceptable', async () => {
    const variants: Record<string, string>[] = [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br;q=0, gzip;q=0' }, { 'accept-encoding': 'zstd' }];
    for (const headers of variants) {
      const res = await get('/feed.xml', headers);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.body.toString('utf8')).toBe(FEED);
    }
  });

  it('never compresses images or tiny files, and names Vary only where it matters', async () => {
    const png = await get('/logo.png', { 'accept-encoding': 'br, gzip' });
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.headers.vary).toBeUndefined();
    const tiny = await get('/feed.json', { 'accept-encoding': 'br, gzip' });
    expect(tiny.headers['content-encoding']).toBeUndefined();
  });

  it('treats every coding of the same bytes as a match for If-None-Match', async () => {
    const br = await get('/feed.xml', { 'accept-encoding': 'br' });
    const res = await get('/feed.xml', { 'accept-encoding': 'gzip', 'if-none-match': br.headers.etag! });
    expect(res.status).toBe(304);
    expect(res.headers.etag).toMatch(/-gz"$/);
  });
});

describe('clean URLs and not found', () => {
  it('serves a folder\'s index.html for a URL ending in /', async () => {
    const res = await get('/articles/hello/');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('Hello article');
  });

  it('redirects a folder without the slash, keeping the query, relative to the current path', async () => {
    const res = await get('/articles/hello?ref=feed');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('./hello/?ref=feed');
    expect(new URL(res.headers.location!, 'https://news.example.org/articles/hello?ref=feed').href).toBe('https://news.example.org/articles/hello/?ref=feed');
  });

  it('serves name.html for /name', async () => {
    const res = await get('/about');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain('About us');
  });

  it('serves a symlink that stays inside out/', async () => {
    expect((await get('/alias.html')).status).toBe(200);
  });

  it('answers 404 with a page in the site\'s look', async () => {
    const res = await get('/no/such/page');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body.toString();
    expect(html).toContain('Page not found');
    expect(html).toContain('Test Gazette');
    // Relative links from /no/such/page lead back to the site root.
    expect(html).toContain('href="../../style.css"');
  });

  it('answers malformed percent-encoding with the site\'s 400 page', async () => {
    for (const path of ['/%', '/%zz/feed.xml', '/feed%E0%A4%A.xml']) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body.toString()).toContain('Bad request');
    }
  });

  it('answers 405 with Allow to other methods', async () => {
    const res = await rawRequest(port, '/feed.xml', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});

describe('nothing outside out/ is ever served', () => {
  const attempts = [
    '/../secret.txt',
    '/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%2fsecret.txt',
    '/..%2Fsecret.txt',
    '/%252e%252e/secret.txt',
    '/%252e%252e%252fsecret.txt',
    '/articles/%252e%252e/%252e%252e/secret.txt',
    '/..%5csecret.txt',
    '/..%5Csecret.txt',
    '/..\\secret.txt',
    '/articles\\..\\..\\secret.txt',
    '/%255c..%255csecret.txt',
    '/articles/../../secret.txt',
    '/%c0%ae%c0%ae/secret.txt',
    '/.%2e/secret.txt',
    '//secret.txt',
    '/leak.txt',
    '/escape/secret.txt',
    '/escape/',
    '/env.txt',
    '/.env',
    '/%2eenv',
    '/.hidden/secret.txt',
    '/%2ehidden/secret.txt',
    '/index.html%00',
    '/index.html%00.png',
    '/feed.xml%00',
    `/${'a/'.repeat(3000)}`,
  ];

  it.each(attempts)('%s', async (path) => {
    const res = await get(path);
    expect([400, 404]).toContain(res.status);
    expect(res.body.toString('latin1')).not.toContain(SECRET);
  });

  it('refuses an absolute path, plain and encoded', async () => {
    const abs = join(root.dir, 'secret.txt');
    for (const path of [`/${abs}`, `/${encodeURIComponent(abs)}`, `/${abs.replaceAll('/', '%2f')}`]) {
      const res = await get(path);
      expect([400, 404], path).toContain(res.status);
      expect(res.body.toString()).not.toContain(SECRET);
    }
  });

  it('refuses traversal in an absolute-form request target', async () => {
    const res = await get(`http://127.0.0.1:${port}/../secret.txt`);
    expect([400, 404]).toContain(res.status);
    expect(res.body.toString()).not.toContain(SECRET);
  });

  it('refuses a symlink swapped in after the file was served', async () => {
    writeFileSync(join(out, 'swap.txt'), 'inside');
    expect((await get('/swap.txt')).body.toString()).toBe('inside');
    rmSync(join(out, 'swap.txt'));
    symlinkSync(join(root.dir, 'secret.txt'), join(out, 'swap.txt'));
    const res = await get('/swap.txt');
    expect(res.status).toBe(404);
    expect(res.body.toString()).not.toContain(SECRET);
  });
});

describe('large files and a missing out/', () => {
  it('streams a file too big to keep in memory, plain and compressed', async () => {
    const big = JSON.stringify({ items: Array.from({ length: 40_000 }, (_, i) => ({ id: i, title: `Item ${i}` })) });
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const dir = tempDir({ 'out/big.json': big });
    const server = createServer({ outDir: join(dir.dir, 'out'), site: testSite('https://news.example.org/') });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const p = (server.server.address() as AddressInfo).port;
    try {
      const plain = await rawRequest(p, '/big.json');
      expect(plain.headers['content-length']).toBe(String(big.length));
      expect(plain.body.toString()).toBe(big);
      const br = await rawRequest(p, '/big.json', { headers: { 'accept-encoding': 'br' } });
      expect(br.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(br.body).toString()).toBe(big);
      const head = await rawRequest(p, '/big.json', { method: 'HEAD' });
      expect(head.headers['content-length']).toBe(String(big.length));
      expect(head.body.length).toBe(0);
      expect((await rawRequest(p, '/big.json', { headers: { 'if-none-match': plain.headers.etag! } })).status).toBe(304);
    } finally {
      await server.close();
      dir.cleanup();
    }
  });

  it('answers 404 before the first build, and serves the files once out/ exists', async () => {
    const dir = tempDir();
    const server = createServer({ outDir: join(dir.dir, 'out'), site: testSite('https://news.example.org/') });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const p = (server.server.address() as AddressInfo).port;
    try {
      expect((await rawRequest(p, '/')).status).toBe(404);
      mkdirSync(join(dir.dir, 'out'));
      writeFileSync(join(dir.dir, 'out/index.html'), '<p>built</p>');
      const res = await rawRequest(p, '/');
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('<p>built</p>');
    } finally {
      await server.close();
      dir.cleanup();
    }
  });

  it('follows out/ when it is a symlink a deploy re-points', async () => {
    const dir = tempDir({ 'releases/1/index.html': '<p>release 1</p>', 'releases/2/index.html': '<p>release 2</p>' });
    symlinkSync(join(dir.dir, 'releases/1'), join(dir.dir, 'out'));
    const server = createServer({ outDir: join(dir.dir, 'out'), site: testSite('https://news.example.org/') });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const p = (server.server.address() as AddressInfo).port;
    try {
      expect((await rawRequest(p, '/')).body.toString()).toBe('<p>release 1</p>');
      symlinkSync(join(dir.dir, 'releases/2'), join(dir.dir, 'out.next'));
      renameSync(join(dir.dir, 'out.next'), join(dir.dir, 'out'));
      expect((await rawRequest(p, '/')).body.toString()).toBe('<p>release 2</p>');
    } finally {
      await server.close();
      dir.cleanup();
    }
  });

  it('serves the site\'s own 404.html with status 404', async () => {
    const dir = tempDir({ 'out/404.html': '<p>Our own not-found page</p>' });
    const server = createServer({ outDir: join(dir.dir, 'out'), site: testSite('https://news.example.org/') });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const p = (server.server.address() as AddressInfo).port;
    try {
      const res = await rawRequest(p, '/missing');
      expect(res.status).toBe(404);
      expect(res.body.toString()).toBe('<p>Our own not-found page</p>');
    } finally {
      await server.close();
      dir.cleanup();
    }
  });
});
