// Load check for `gazette serve` (a benchmark, not a test): 1,000 conditional GETs of feed.xml at
// concurrency 50, against Gazette's server and against a bare static server (node:http +
// fs.createReadStream, no validators, no compression) on the same files, in the same run.
// Each server runs in its own child process so neither shares an event loop with the load
// generator or with the other. Prints one JSON object:
//   {"gazette":{"rps":…,"errors":…,"statuses":{…}},"baseline":{…},"requests":1000,"concurrency":50}
//
// Run after `npm run build`: node bench/serve-load.js [requests] [concurrency]
// GAZETTE_DIST=/path/to/dist overrides where the compiled server is loaded from.
import { fork } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, stat, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REQUESTS = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? 50);
const ROUNDS = 5;
const WARMUP = 1000;

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else {
  await main();
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gazette-serve-load-'));
  try {
    const out = join(dir, 'out');
    writeSite(out);
    const gazette = await spawnServer('gazette', out);
    const baseline = await spawnServer('baseline', out);
    try {
      const etag = await firstEtag(gazette.port);
      const results = { gazette: [], baseline: [] };
      // Alternate the rounds so drift (CPU frequency, GC) hits both alike; report the median.
      for (const target of [gazette, baseline]) await load(target.port, etag, WARMUP);
      for (let round = 0; round < ROUNDS; round++) {
        results.gazette.push(await load(gazette.port, etag, REQUESTS));
        results.baseline.push(await load(baseline.port, etag, REQUESTS));
      }
      const summary = {
        gazette: median(results.gazette),
        baseline: median(results.baseline),
        requests: REQUESTS,
        concurrency: CONCURRENCY,
        rounds: ROUNDS,
      };
      summary.ratio = Math.round((summary.gazette.rps / summary.baseline.rps) * 100) / 100;
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } finally {
      gazette.child.kill();
      baseline.child.kill();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A realistic feed (50 items with full HTML content, ~150 KB) and a few pages. */
function writeSite(out) {
  mkdirSync(out, { recursive: true });
  const items = Array.from({ length: 50 }, (_, i) => {
    const body = `<p>${'Paragraph of article text with <a href="https://example.org/x">links</a> and words. '.repeat(30)}</p>`;
    return `<item><title>Article ${i}</title><link>https://example.org/articles/a-${i}/</link><guid isPermaLink="false">urn:a:${i}</guid><pubDate>Mon, 0${(i % 9) + 1} Jan 2026 08:00:00 GMT</pubDate><description>Summary ${i}</description><content:encoded><![CDATA[${body}]]></content:encoded></item>`;
  }).join('\n');
  writeFileSync(
    join(out, 'feed.xml'),
    `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Bench</title><link>https://example.org/</link><description>Bench</description>\n${items}\n</channel></rss>\n`,
  );
  writeFileSync(join(out, 'index.html'), '<!doctype html><title>Bench</title><p>Bench</p>');
}

function spawnServer(kind, out) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', kind, out], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve({ child, port: m.port }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

async function child(kind, out) {
  let port;
  if (kind === 'gazette') {
    const dist = process.env.GAZETTE_DIST ? pathToFileURL(join(process.env.GAZETTE_DIST, '/')).href : new URL('../dist/', import.meta.url).href;
    const { createServer: createGazetteServer } = await import(new URL('server/create-server.js', dist).href);
    const site = { title: 'Bench', url: 'https://example.org/', description: '', language: 'en', timezone: 'UTC', id: 'https://example.org/', feedLimit: 50 };
    const app = createGazetteServer({ outDir: out, site });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = app.server.address().port;
  } else {
    port = await bareStaticServer(out);
  }
  process.send({ port });
}

const TYPES = { '.xml': 'application/rss+xml', '.html': 'text/html; charset=utf-8' };

/** The baseline: what a minimal hand-written static server does — stat, then stream the file. */
function bareStaticServer(out) {
  const server = createServer((req, res) => {
    const path = normalize(join(out, decodeURIComponent((req.url ?? '/').split('?')[0])));
    if (!path.startsWith(out + sep)) {
      res.writeHead(404).end();
      return;
    }
    stat(path, (err, s) => {
      if (err || !s.isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-length': s.size });
      createReadStream(path).pipe(res);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

function get(agent, port, headers) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/feed.xml', agent, headers }, (res) => {
      let headersEtag = res.headers.etag;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, etag: headersEtag }));
      res.on('error', () => resolve({ status: 0 }));
    });
    req.on('error', () => resolve({ status: 0 }));
    req.end();
  });
}

async function firstEtag(port) {
  const agent = new Agent({ keepAlive: false });
  const { etag } = await get(agent, port, { 'accept-encoding': 'gzip' });
  agent.destroy();
  return etag;
}

/** `total` conditional GETs, `CONCURRENCY` at a time over keep-alive connections. */
async function load(port, etag, total) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const headers = { 'if-none-match': etag, 'accept-encoding': 'gzip', 'user-agent': 'gazette-bench' };
  const statuses = {};
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  const worker = async () => {
    while (issued < total) {
      issued++;
      const { status } = await get(agent, port, headers);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== 200 && status !== 304) errors++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { rps: Math.round(total / seconds), errors, statuses };
}

function median(runs) {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  const mid = sorted[Math.floor(sorted.length / 2)];
  return { rps: mid.rps, errors: runs.reduce((n, r) => n + r.errors, 0), statuses: mid.statuses, allRps: runs.map((r) => r.rps) };
}
