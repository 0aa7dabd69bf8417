// Memory at scale: the real CLI with 100,000 subscribers. Measures the peak RSS (getrusage
// maxRSS, written by a preloaded probe when each process exits) of
//   gazette subscribers import (a 100,000-line CSV) · gazette publish (build, render, freeze
//   100,000 recipients, send them all to a local SMTP sink in another process) · gazette sends ID
//   --json (100,000 per-recipient rows) · gazette subscribers list --json · gazette subscribers export
// against a baseline in the same run: a bare `node` process that loads nothing.
//
// Target: peak RSS ≤ 300 MB for every command.
// Prints one JSON object on stdout. Run after `npm run build`: node bench/digest-scale.js [subscribers]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { log, run, serveSink, startSinkProcess } from './bench-kit.js';

const HERE = fileURLToPath(import.meta.url);
const REPO = fileURLToPath(new URL('..', import.meta.url));
const TARGET_MB = 300;
const POOL = 10;

if (process.argv[2] === '--sink') await serveSink();
else await main(Number(process.argv[2] ?? 100_000));

async function main(count) {
  const root = mkdtempSync(join(tmpdir(), 'gazette-bench-scale-'));
  const sink = await startSinkProcess(HERE);
  try {
    const { port } = sink;
    const probe = join(root, 'rss-probe.mjs');
    // Written at exit, whatever the exit path: the process's own peak resident set, in KB.
    writeFileSync(probe, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.RSS_PROBE_OUT, String(process.resourceUsage().maxRSS)));\n`);
    const site = join(root, 'site');
    writeSite(site, count);
    log(`${count} subscribers, node ${process.version}`);

    const measure = async (name, args, env = {}) => {
      const out = join(root, `rss-${name}.txt`);
      const t = performance.now();
      const r = await run(process.execPath, ['--import', pathToFileURL(probe).href, ...args], {
        ...process.env,
        ...env,
        GAZETTE_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
        RSS_PROBE_OUT: out,
      });
      const seconds = Number(((performance.now() - t) / 1000).toFixed(1));
      if (r.code !== 0) throw new Error(`${name} failed (${r.code}):\n${r.stderr.slice(-2000)}`);
      const peakMB = Math.round(Number(readFileSync(out, 'utf8')) / 1024);
      log(`${name}: peak RSS ${peakMB} MB, ${seconds} s`);
      return { peakMB, seconds, stdout: r.stdout };
    };
    const cli = (...args) => [join(REPO, 'bin/gazette.js'), '--root', site, ...args];

    const baseline = await measure('bare-node', ['-e', '0']);
    const importRun = await measure('import', cli('subscribers', 'import', join(site, 'subscribers.csv')));
    if (!importRun.stdout.includes(`${count} added`)) throw new Error(`import: ${importRun.stdout}`);
    const publish = await measure('publish', cli('--json', 'publish'), { GAZETTE_SMTP_URL: `smtp://127.0.0.1:${port}?maxConnections=${POOL}` });
    const report = JSON.parse(publish.stdout);
    const send = report.digest.send;
    if (send.sentThisRun !== count) throw new Error(`publish sent ${send.sentThisRun} of ${count}`);
    const received = await sink.received();
    if (received !== count) throw new Error(`the sink received ${received} of ${count}`);
    const sends = await measure('sends-json', cli('--json', 'sends', report.digest.id));
    if (JSON.parse(sends.stdout).deliveries.length !== count) throw new Error('sends --json: not every recipient listed');
    const list = await measure('list-json', cli('--json', 'subscribers', 'list'));
    const exported = await measure('export', cli('subscribers', 'export'));
    const rows = exported.stdout.trimEnd().split('\n').length - 1;
    if (rows !== count) throw new Error(`export: ${rows} rows`);

    const commands = {
      import: { peakMB: importRun.peakMB, seconds: importRun.seconds },
      publish: { peakMB: publish.peakMB, seconds: publish.seconds, msgsPerSecond: Math.round((count / send.durationMs) * 1000) },
      sendsJson: { peakMB: sends.peakMB, seconds: sends.seconds },
      listJson: { peakMB: list.peakMB, seconds: list.seconds },
      export: { peakMB: exported.peakMB, seconds: exported.seconds },
    };
    const peakMB = Math.max(...Object.values(commands).map((c) => c.peakMB));
    process.stdout.write(`${JSON.stringify({
      bench: 'digest-scale',
      subscribers: count,
      baseline: { name: 'bare node process', peakMB: baseline.peakMB },
      commands,
      peakMB,
      target: { peakMBAtMost: TARGET_MB },
      ok: peakMB <= TARGET_MB,
    })}\n`);
  } finally {
    sink.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Ten short articles (a smaller message keeps 100,000 sends quick) and the subscriber CSV. */
function writeSite(site, count) {
  mkdirSync(join(site, 'content'), { recursive: true });
  writeFileSync(join(site, 'gazette.config.json'), JSON.stringify({
    site: { title: 'Bench News', url: 'https://bench.example.org/', language: 'en' },
    email: { from: 'Bench News <news@bench.example.org>', postalAddress: '1 Bench Street, Springfield' },
    digest: { subject: '{{ site.title }}: {{ count }} new articles', maxArticles: 10, lookback: '36500d' },
  }));
  for (let i = 1; i <= 10; i++) {
    writeFileSync(join(site, 'content', `a${i}.md`), `---\ntitle: Article ${i}\ndate: 2020-03-${String(i).padStart(2, '0')}T08:00:00Z\nsummary: Short summary ${i}.\n---\nBody ${i}.\n`);
  }
  const lines = ['email,name,status,subscribed_at'];
  for (let i = 0; i < count; i++) lines.push(`reader${String(i).padStart(6, '0')}@example${i % 100}.net,${i % 2 ? `Reader ${i}` : ''},,`);
  writeFileSync(join(site, 'subscribers.csv'), `${lines.join('\n')}\n`);
}

