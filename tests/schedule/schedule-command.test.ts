// `gazette schedule` as a command: config checks, what it prints on start, signals (in-process and
// in a real child process), and jobs that reload the config before each run.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentReporter, type Reporter } from '../../src/commands/command-result.js';
import { reloadingJobs, scheduleCommand, type ScheduleCommandOptions, type StopSignal } from '../../src/commands/schedule.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { isGazetteError } from '../../src/errors.js';
import { createStoreRunLock } from '../../src/schedule/store-run-lock.js';
import { openStore, thisProcessLockOwner, type Store } from '../../src/state/index.js';
import { baseConfig, makeSite, REPO, TEST_EMAIL } from '../helpers/site.js';
import { delayed, fakeJobs, outcome, sleep, waitFor } from './harness.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function site(schedule: Record<string, unknown> | undefined, extra: Record<string, unknown> = { email: TEST_EMAIL }) {
  const s = makeSite({ config: baseConfig({ ...extra, ...(schedule ? { schedule } : {}) }) });
  cleanups.push(s.cleanup);
  return s;
}

async function configured(schedule: Record<string, unknown> | undefined, extra?: Record<string, unknown>): Promise<{ config: Config; store: Store; root: string }> {
  const s = site(schedule, extra);
  const config = await loadConfig({ root: s.root });
  const store = openStore(s.root);
  cleanups.unshift(() => store.close());
  return { config, store, root: s.root };
}

function commandOptions(store: Store, overrides: Partial<ScheduleCommandOptions> & Pick<ScheduleCommandOptions, 'jobs'>) {
  const out: string[] = [];
  const signals = new EventEmitter();
  const forced: StopSignal[] = [];
  const options: ScheduleCommandOptions = {
    json: false,
    lock: createStoreRunLock({ store, owner: thisProcessLockOwner() }),
    slots: store,
    write: (text) => out.push(text),
    signals,
    onForceExit: (signal) => forced.push(signal),
    ...overrides,
  };
  return { options, out, signals, forced };
}

describe('config', () => {
  it('nothing to schedule is a config error naming the key', async () => {
    const { config, store } = await configured(undefined);
    const { options } = commandOptions(store, { jobs: fakeJobs({}).jobs });
    const error = await scheduleCommand(config, silentReporter, options).catch((e: unknown) => e);
    expect(isGazetteError(error) && error.code).toBe('CONFIG');
    expect(isGazetteError(error) && error.problems.map((p) => p.key)).toEqual(['schedule']);
  });

  it('a digest schedule without an email section is a config error naming "email"', async () => {
    const { config, store } = await configured({ digest: '0 8 * * 1' }, {});
    const { options } = commandOptions(store, { jobs: fakeJobs({}).jobs });
    const error = await scheduleCommand(config, silentReporter, options).catch((e: unknown) => e);
    expect(isGazetteError(error) && error.problems.map((p) => p.key)).toEqual(['email']);
    expect(String((error as Error).message)).toContain('gazette.config.json');
  });
});

describe('running', () => {
  it('prints the next run times on start, in the schedule\'s zone', async () => {
    const { config, store } = await configured({ build: '*/15 * * * *', digest: '0 8 * * 1', timezone: 'Europe/Berlin' });
    const { options, out, signals } = commandOptions(store, { jobs: fakeJobs({}).jobs });
    const done = scheduleCommand(config, silentReporter, options);
    expect(out[0]).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0[12]:00 schedule started \(Europe\/Berlin\): build "\*\/15 \* \* \* \*" next \d{4}-\d\d-\d\d \d\d:(00|15|30|45):00 \+0[12]:00; digest "0 8 \* \* 1" next \d{4}-\d\d-\d\d 08:00:00 \+0[12]:00\n$/,
    );
    signals.emit('SIGTERM');
    const result = await done;
    expect(result.exitCode).toBe(0);
    expect(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT')).toBe(0);
  });

  it('--json: every line is a JSON object; the run line has kind, slot, started, counts, duration, next run', async () => {
    const { config, store } = await configured({ digest: '* * * * * *' });
    const fake = fakeJobs({ publish: delayed(30) });
    const { options, out, signals } = commandOptions(store, { jobs: fake.jobs, json: true });
    const done = scheduleCommand(config, silentReporter, options);
    await waitFor('a run line', () => out.some((l) => l.includes('"event":"run"')));
    signals.emit('SIGINT');
    const result = await done;
    const events = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ event: 'started', timezone: 'UTC', build: null, digest: { expression: '* * * * * *' } });
    const run = events.find((e) => e.event === 'run')!;
    expect(Object.keys(run)).toEqual(
      expect.arrayContaining(['kind', 'slot', 'started', 'articles', 'recipients', 'sent', 'failed', 'durationMs', 'nextRun']),
    );
    expect(events.at(-1)).toMatchObject({ event: 'stopped', drained: true });
    expect(result).toMatchObject({ exitCode: 0, json: { event: 'stopped', drained: true } });
    expect(JSON.parse(result.text)).toMatchObject({ event: 'stopped' });
  });

  it('first signal: stops after the run in progress; second signal: forced exit at once', async () => {
    const { config, store } = await configured({ digest: '* * * * * *' });
    const fake = fakeJobs({ publish: delayed(1_500) }); // does not watch the signal
    const { options, out, signals, forced } = commandOptions(store, { jobs: fake.jobs });
    let settled = false;
    const done = scheduleCommand(config, silentReporter, options).finally(() => (settled = true));
    await waitFor('a run under way', () => fake.count('digest') === 1);

    signals.emit('SIGTERM');
    await sleep(100);
    expect(settled).toBe(false);
    expect(out.some((l) => / stopping: no new runs; waiting up to 20\.00 s for the digest \(slot .*\) run in progress/.test(l))).toBe(true);
    signals.emit('SIGINT');
    expect(forced).toEqual(['SIGINT']);

    const result = await done; // the CLI would have exited; here the run finishes and the command returns
    expect(result.exitCode).toBe(0);
    expect(fake.calls[0]!.ended).not.toBeNull();
    expect(fake.count('digest')).toBe(1);
  });
});

describe('a real process (SIGTERM from outside)', () => {
  interface Child {
    readonly lines: Record<string, unknown>[];
    readonly exit: Promise<number | null>;
    kill(signal: NodeJS.Signals): void;
  }

  function startChild(root: string, mode: 'cooperative' | 'stubborn', env: Record<string, string> = {}): Child {
    const child = spawn(process.execPath, ['--import', 'jiti/register', join(REPO, 'tests/schedule/fixtures/schedule-process.ts'), root, mode], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    let buffer = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as Record<string, unknown>);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exit = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        if (stderr.trim()) lines.push({ event: 'stderr', text: stderr });
        resolve(code);
      }),
    );
    cleanups.unshift(() => child.kill('SIGKILL'));
    return { lines, exit, kill: (signal) => child.kill(signal) };
  }

  it('SIGTERM during a send: the message in flight finishes and is recorded, the lock is freed, exit 0', async () => {
    const s = site({ digest: '* * * * * *' });
    const child = startChild(s.root, 'cooperative');
    await waitFor('messages going out', () => child.lines.filter((l) => l.event === 'message').length >= 3, 30_000);
    child.kill('SIGTERM');
    const code = await child.exit;
    expect(child.lines.filter((l) => l.event === 'stderr')).toEqual([]);
    expect(code).toBe(0);

    const messages = child.lines.filter((l) => l.event === 'message');
    // At most the one message in flight went out after the signal, and it was recorded.
    expect(messages.filter((m) => m.afterAbort === true).length).toBeLessThanOrEqual(1);
    const run = child.lines.find((l) => l.event === 'run')!;
    expect(run).toMatchObject({ kind: 'digest', sent: messages.length, completed: false });
    expect(child.lines.find((l) => l.event === 'stopped')).toMatchObject({ drained: true, runs: 1 });
    expect(child.lines.find((l) => l.event === 'result')).toMatchObject({ exitCode: 0, lockHolder: null });
  }, 60_000);

  it('a second SIGTERM exits at once, without waiting for the run', async () => {
    const s = site({ digest: '* * * * * *' });
    const child = startChild(s.root, 'stubborn', { DRAIN_TIMEOUT_MS: '30000' });
    await waitFor('messages going out', () => child.lines.filter((l) => l.event === 'message').length >= 2, 30_000);
    child.kill('SIGTERM');
    await waitFor('the stopping line', () => child.lines.some((l) => l.event === 'stopping'));
    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await child.exit;
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(code).toBe(143);
    expect(child.lines.some((l) => l.event === 'stopped')).toBe(false);
  }, 60_000);

  it('a run that outlasts the drain timeout is abandoned: exit 0, with the line that says so', async () => {
    const s = site({ digest: '* * * * * *' });
    const child = startChild(s.root, 'stubborn', { DRAIN_TIMEOUT_MS: '400' });
    await waitFor('messages going out', () => child.lines.filter((l) => l.event === 'message').length >= 2, 30_000);
    child.kill('SIGTERM');
    const code = await child.exit;
    expect(code).toBe(0);
    expect(child.lines.find((l) => l.event === 'stopped')).toMatchObject({ drained: false });
    expect(child.lines.find((l) => l.event === 'result')).toMatchObject({ lockHolder: null });
  }, 60_000);
});

describe('reloadingJobs', () => {
  it('reads the config before each run: an edit applies, an invalid config fails that run only', async () => {
    const s = site({ digest: '0 8 * * 1' });
    const initial = await loadConfig({ root: s.root });
    const seen: string[] = [];
    const warnings: string[] = [];
    const reporter: Reporter = { warn: (m) => warnings.push(m), info: () => {} };
    const jobs = reloadingJobs(initial, () => loadConfig({ root: s.root }), {
      build: async (config) => (seen.push(config.site.title), outcome()),
      publish: async (config) => (seen.push(`${config.site.title} ${config.digest.maxArticles}`), outcome()),
    }, reporter);
    const signal = new AbortController().signal;

    await jobs.publish(signal);
    s.write('gazette.config.json', JSON.stringify(baseConfig({ email: TEST_EMAIL, schedule: { digest: '0 8 * * 1' }, digest: { maxArticles: 3 } })));
    await jobs.publish(signal);
    s.write('gazette.config.json', JSON.stringify(baseConfig({ email: TEST_EMAIL, schedule: { digest: '0 8 * * 1' }, digest: { maxArticles: 1000 } })));
    const error = await jobs.publish(signal).catch((e: unknown) => e);
    expect(isGazetteError(error) && error.code).toBe('CONFIG');
    expect(isGazetteError(error) && error.problems.map((p) => p.key)).toEqual(['digest.maxArticles']);
    s.write('gazette.config.json', JSON.stringify(baseConfig({ email: TEST_EMAIL, schedule: { digest: '0 8 * * 1' }, site: { title: 'Renamed', url: 'https://test.example.org/' } })));
    await jobs.build(signal);
    expect(seen).toEqual(['Test Site 10', 'Test Site 3', 'Renamed']);
    expect(warnings).toEqual([]);
  });

  it('a changed schedule is reported once, and applies after a restart', async () => {
    const s = site({ digest: '0 8 * * 1' });
    const initial = await loadConfig({ root: s.root });
    const warnings: string[] = [];
    const jobs = reloadingJobs(initial, () => loadConfig({ root: s.root }), { build: async () => outcome(), publish: async () => outcome() }, {
      warn: (m) => warnings.push(m),
      info: () => {},
    });
    s.write('gazette.config.json', JSON.stringify(baseConfig({ email: TEST_EMAIL, schedule: { digest: '0 9 * * 1', timezone: 'Europe/Berlin' } })));
    const signal = new AbortController().signal;
    await jobs.build(signal);
    await jobs.publish(signal);
    expect(warnings).toEqual([
      'gazette.config.json: schedule changed (build unset, digest "0 8 * * 1", UTC → build unset, digest "0 9 * * 1", Europe/Berlin); restart `gazette schedule` to apply it',
    ]);
  });
});
