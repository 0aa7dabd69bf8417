// `npm run bench`: every benchmark, one after another (never in parallel: they measure time and
// memory on the same machine), each in its own process. Prints one JSON object with a key per
// benchmark: "build" (bench/build.js), "serve-load" (bench/serve-load.js) and one per
// bench/digest-*.js, in name order. A benchmark that fails is reported under its key as
// { "error": … } and the others still run; the exit code is then 1.
//
// Benchmarks print progress on stderr (passed through) and their result as JSON on the last line
// of stdout. Arguments after `--` go to bench/build.js (article counts: node bench/run.js -- 1000).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const dash = process.argv.indexOf('--');
const buildArgs = dash === -1 ? process.argv.slice(2) : process.argv.slice(dash + 1);

const benches = [['build', 'build.js', buildArgs]];
if (existsSync(join(HERE, 'serve-load.js'))) benches.push(['serve-load', 'serve-load.js', []]);
for (const name of readdirSync(HERE).filter((n) => /^digest-.*\.js$/.test(n)).sort()) benches.push([name.slice(0, -3), name, []]);

const results = {};
let failed = false;
for (const [key, file, args] of benches) {
  process.stderr.write(`[bench] ${key}: node bench/${file} ${args.join(' ')}\n`);
  const started = performance.now();
  const r = spawnSync(process.execPath, [join(HERE, file), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  let value;
  try {
    value = r.status === 0 ? JSON.parse(last) : undefined;
  } catch {
    value = undefined;
  }
  if (value === undefined) {
    failed = true;
    results[key] = { error: r.error?.message ?? `exit code ${r.status}${r.signal ? ` (${r.signal})` : ''}`, stdout: last.slice(0, 2000) };
  } else {
    results[key] = value;
  }
  process.stderr.write(`[bench] ${key}: ${results[key].error ? `failed: ${results[key].error}` : 'done'} in ${seconds} s\n`);
}
process.stdout.write(`${JSON.stringify(results)}\n`);
process.exitCode = failed ? 1 : 0;
