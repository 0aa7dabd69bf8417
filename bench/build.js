// Build benchmark (a measurement, not a test): the real CLI, `gazette build`, on a generated corpus
// of N Markdown articles (bench/generate-site.js: ~600 words, links, lists, code, images, 50 tags),
// against a naive baseline run in the same process tree on the same corpus.
//
//   cold        first build: no out/, no .gazette/ (every article parsed, every file written);
//               the better of two runs on two fresh copies of the corpus (both in `runs`)
//   firstCheck  the next build with nothing changed: it reads back once the files the cold build
//               wrote (the writer trusts a file on stat alone only 2 s after writing it)
//   noChange    nothing changed, steady state (median of 3)
//   oneChanged  the newest article's title and body edited (median of 3 edits): its page, the
//               home page, its month in the archive, its 3 tag pages and the feeds that show it
//               are rendered again
//   baseline    single thread: read each file, YAML front matter + markdown-it, one HTML page per
//               article with fs.writeFileSync; no feeds, no tag pages, no cache, no atomic writes
//   floor       Gazette's own parse (parseArticleFile) and article page (renderArticle) of every
//               article on as many worker threads as the machine has, writing nothing: the CPU
//               cost of the libraries and the content rules alone, the least any cold build costs
//
// Every build is a fresh `node bin/gazette.js --json build` process. `ms` is the wall time of the
// whole process (Node start and module loading included); `buildMs` is the build's own duration as
// it reports it; `rssMb` the process's peak RSS (all threads). Between builds the bench waits 2.1 s:
// files are never trusted on stat in the 2 s after they change (see src/build/file-stamp.ts).
//
// Run after `npm run build`: node bench/build.js [N ...]   (default: 1000 10000)
// Prints one JSON object on stdout; progress on stderr.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { articleText, generateSite } from './generate-site.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO, 'bin/gazette.js');
const HERE = fileURLToPath(import.meta.url);
const WORK = join(REPO, 'bench/.work');
const SETTLE_MS = 2100;

if (!isMainThread && workerData?.floor) {
  await floorThread(workerData);
} else if (process.argv[2] === '--floor') {
  await floor(process.argv[3], Number(process.argv[4]));
} else if (process.argv[2] === '--baseline') {
  await baseline(process.argv[3]);
} else {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  await main(sizes.length > 0 ? sizes : [1000, 10000]);
}

async function main(sizes) {
  // Deleting ten thousand folders keeps the file system busy for seconds after rm returns (journal,
  // discard): leftovers are removed first, and each corpus only after every measurement.
  mkdirSync(WORK, { recursive: true });
  for (const name of readdirSync(WORK)) if (name.startsWith('build-')) rmSync(join(WORK, name), { recursive: true, force: true });
  flush();
  await settle();
  // The load average says how busy the machine was: on a shared machine, read the times with it.
  const result = { machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? 'unknown', node: process.version, loadavgAtStart: loadavg().map(round) } };
  const dirs = [];
  try {
    for (const n of sizes) {
      const dir = join(WORK, `build-${n}`);
      dirs.push(dir);
      log(`generating ${n} articles in ${dir}`);
      generateSite(dir, n);
      flush();
      await settle();
      result[n] = await benchSize(dir, n);
    }
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  result.machine.loadavgAtEnd = loadavg().map(round);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Write dirty pages out now, so the kernel does not do it in the middle of a measurement. */
function flush() {
  spawnSync('sync');
}

async function benchSize(dir, n) {
  // Cold twice, each on its own fresh copy of the corpus (the first copy is then used for the
  // rest): this machine's file system time varies from run to run, and the better of two runs
  // is the steadier figure. Both are reported.
  const copy = `${dir}-copy`;
  cpSync(join(dir, 'content'), join(copy, 'content'), { recursive: true });
  cpSync(join(dir, 'gazette.config.json'), join(copy, 'gazette.config.json'));
  flush();
  await settle();
  const colds = [build(dir, 'cold'), build(copy, 'cold (second copy)')];
  rmSync(copy, { recursive: true, force: true });
  const cold = { ...[...colds].sort((a, b) => a.ms - b.ms)[0], runs: colds.map((r) => r.ms) };
  await settle();
  const firstCheck = build(dir, 'first no-change');
  const noChange = [];
  for (let i = 0; i < 3; i++) {
    await settle();
    noChange.push(build(dir, 'no-change'));
  }
  const oneChanged = [];
  const newest = n - 1; // dates grow with the index: the last article is the newest
  for (let variant = 1; variant <= 3; variant++) {
    await settle();
    writeFileSync(join(dir, 'content', `article-${newest}.md`), articleText(newest, variant));
    oneChanged.push(build(dir, 'one article changed'));
  }
  const base = runBaseline(dir);
  const floorRun = runFloor(dir);
  const summary = {
    articles: n,
    cold,
    firstCheck,
    noChange: median(noChange),
    oneChanged: median(oneChanged),
    baseline: base,
    floor: floorRun,
  };
  summary.coldVsBaseline = round(cold.ms / base.ms);
  summary.coldVsFloor = round(cold.ms / floorRun.ms);
  log(`${n}: cold ${cold.ms} ms, no-change ${summary.noChange.ms} ms, one changed ${summary.oneChanged.ms} ms, baseline ${base.ms} ms, floor ${floorRun.ms} ms`);
  return summary;
}

/** One `gazette build` process: wall time, the build's own report, peak RSS. */
function build(dir, what) {
  flush();
  const started = performance.now();
  const r = spawnSync(process.execPath, [CLI, '--root', dir, '--json', 'build'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Math.round(performance.now() - started);
  if (r.status !== 0) throw new Error(`gazette build (${what}) failed with ${r.status}: ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  const out = {
    ms,
    buildMs: report.durationMs,
    rssMb: report.peakRssMb,
    parsed: report.parsed,
    rendered: report.rendered,
    written: report.written,
    ...(report.timings ?? {}),
  };
  log(`  ${what}: ${JSON.stringify(out)}`);
  return out;
}

function runFloor(dir) {
  flush();
  const threads = availableParallelism();
  const r = spawnSync(process.execPath, [HERE, '--floor', dir, String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`floor failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  log(`  floor (parse + page on ${threads} threads, no writes): ${JSON.stringify(out)}`);
  return out;
}

/** Parse and render every article on `threads` worker threads; nothing is written. */
async function floor(dir, threads) {
  const names = readdirSync(join(dir, 'content')).filter((n) => n.endsWith('.md')).sort();
  const started = performance.now();
  const counts = await Promise.all(
    Array.from({ length: threads }, (_, i) =>
      new Promise((resolve, reject) => {
        const w = new Worker(HERE, { workerData: { floor: true, dir, names: names.filter((_, k) => k % threads === i) } });
        w.once('message', resolve);
        w.once('error', reject);
      }),
    ),
  );
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`${JSON.stringify({ ms, threads, articles: counts.reduce((a, b) => a + b, 0), usPerArticlePerThread: Math.round((ms * 1000 * threads) / names.length) })}\n`);
}

async function floorThread({ dir, names }) {
  const dist = join(REPO, 'dist');
  const { loadConfig, siteFromConfig } = await import(join(dist, 'config/index.js'));
  const { parseArticleFile } = await import(join(dist, 'content/load-content.js'));
  const { createPageRenderer } = await import(join(dist, 'render/pages.js'));
  const { loadTemplates, BUILTIN_TEMPLATES_DIR } = await import(join(dist, 'output/load-templates.js'));
  const site = siteFromConfig(await loadConfig({ root: dir }));
  const renderer = createPageRenderer(await loadTemplates(BUILTIN_TEMPLATES_DIR));
  const now = new Date();
  for (const name of names) {
    const { article } = parseArticleFile(`content/${name}`, readFileSync(join(dir, 'content', name)), site, now);
    renderer.renderArticle(site, article);
  }
  parentPort.postMessage(names.length);
}

function runBaseline(dir) {
  flush();
  const started = performance.now();
  const r = spawnSync(process.execPath, [HERE, '--baseline', dir], { encoding: 'utf8' });
  const ms = Math.round(performance.now() - started);
  if (r.status !== 0) throw new Error(`baseline failed: ${r.stderr}`);
  const out = { ms, ...JSON.parse(r.stdout) };
  log(`  baseline: ${JSON.stringify(out)}`);
  return out;
}

/** The naive static-site build Gazette is compared with (see the header). */
async function baseline(dir) {
  const started = performance.now();
  const { default: MarkdownIt } = await import('markdown-it');
  const { parse } = await import('yaml');
  const md = new MarkdownIt({ linkify: true });
  const out = join(dir, 'baseline-out');
  const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  let pages = 0;
  for (const name of readdirSync(join(dir, 'content')).sort()) {
    if (!name.endsWith('.md')) continue;
    const text = readFileSync(join(dir, 'content', name), 'utf8');
    const end = text.startsWith('---\n') ? text.indexOf('\n---\n', 4) : -1;
    const data = end === -1 ? {} : parse(text.slice(4, end));
    const body = md.render(end === -1 ? text : text.slice(end + 5));
    const file = join(out, 'articles', basename(name, '.md'), 'index.html');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      file,
      `<!doctype html><html><head><meta charset="utf-8"><title>${escape(data.title ?? name)}</title></head>` +
        `<body><article><h1>${escape(data.title ?? name)}</h1>${body}</article></body></html>\n`,
    );
    pages++;
  }
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ pages, buildMs: Math.round(performance.now() - started), rssMb })}\n`);
}

function median(runs) {
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  return { ...sorted[Math.floor(sorted.length / 2)], runs: runs.map((r) => r.ms) };
}

function round(x) {
  return Math.round(x * 100) / 100;
}

function settle() {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

function log(message) {
  process.stderr.write(`[bench build] ${message}\n`);
}
