// Build benchmark (a measurement, not a test): the real CLI, `gazette build`, on a generated corpus
// of N Markdown articles (bench/generate-site.js: ~600 words, links, lists, code, images, 50 tags),
// against a naive baseline run in the same process tree on the same corpus.
//
//   cold        first build: no out/, no .gazette/ (every article parsed, every file written)
//   firstCheck  the next build with nothing changed: it reads back once the files the cold build
//               wrote (the writer trusts a file on stat alone only 2 s after writing it)
//   noChange    nothing changed, steady state (median of 3)
//   oneChanged  the newest article's title and body edited (median of 3 edits): its page, the
//               index, its 3 tag pages and the feeds that show it are rendered again
//   baseline    single thread: read each file, YAML front matter + markdown-it, one HTML page per
//               article with fs.writeFileSync; no feeds, no tag pages, no cache, no atomic writes
//
// Every build is a fresh `node bin/gazette.js --json build` process. `ms` is the wall time of the
// whole process (Node start and module loading included); `buildMs` is the build's own duration as
// it reports it; `rssMb` the process's peak RSS (all threads). Between builds the bench waits 2.1 s:
// files are never trusted on stat in the 2 s after they change (see src/build/file-stamp.ts).
//
// Run after `npm run build`: node bench/build.js [N ...]   (default: 1000 10000)
// Prints one JSON object on stdout; progress on stderr.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { articleText, generateSite } from './generate-site.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO, 'bin/gazette.js');
const HERE = fileURLToPath(import.meta.url);
const WORK = join(REPO, 'bench/.work');
const SETTLE_MS = 2100;

if (process.argv[2] === '--baseline') {
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
  const cold = build(dir, 'cold');
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
  const summary = {
    articles: n,
    cold,
    firstCheck,
    noChange: median(noChange),
    oneChanged: median(oneChanged),
    baseline: base,
  };
  summary.coldVsBaseline = round(cold.ms / base.ms);
  log(`${n}: cold ${cold.ms} ms, no-change ${summary.noChange.ms} ms, one changed ${summary.oneChanged.ms} ms, baseline ${base.ms} ms`);
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
