/**
 * argv → command. The only module that prints usage, decides the exit code or calls
 * process.exit; commands return values or throw. Exit codes: 0 success, 1 failure, 2 bad usage.
 *
 * Start-up time is module loading, so only commander is imported up front: each action imports
 * its command (and the config loader) when it runs. `gazette build` never loads the HTTP server or
 * the mailer, and `--help` loads almost nothing. Keep new imports here type-only or lazy; the two
 * eager ones are a few lines each (errors, and the package.json lookup `--version` prints).
 */
import { once } from 'node:events';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import type { Config } from './config/index.js';
import { isGazetteError } from './errors.js';
import { packageVersionFrom } from './package-version.js';
import type { CommandResult, Reporter } from './commands/command-result.js';
import type { StopSignal } from './commands/schedule.js';
import type { RunningServer } from './commands/serve.js';

interface GlobalOptions {
  root: string;
  config?: string;
  json?: boolean;
}

export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

const defaultIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
};

/** A second signal while a send drains: leave now (128 + signal number, as shells expect). */
function forceExit(signal: NodeJS.Signals | StopSignal): void {
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

export async function main(argv: readonly string[], io: CliIO = defaultIO): Promise<number> {
  let exitCode = 0;
  const reporter: Reporter = {
    warn: (m) => io.stderr(`warning: ${m}\n`),
    info: (m) => io.stderr(`${m}\n`),
  };
  const program = new Command('gazette')
    .description('Feeds, a static site and an email digest from a folder of articles.')
    .option('--root <dir>', 'site folder', '.')
    .option('--config <file>', 'config file (gazette.config.ts or .json)')
    .option('--json', 'machine-readable output on stdout')
    .version(packageVersionFrom(dirname(fileURLToPath(import.meta.url)), 'gazette'), '-V, --version', 'print the version of Gazette')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const load = async (): Promise<Config> => {
    const o = globals();
    const { loadConfig } = await import('./config/index.js');
    return loadConfig({ root: o.root, ...(o.config ? { configFile: o.config } : {}), env: io.env });
  };
  const print = (result: CommandResult): void => {
    io.stdout(globals().json ? `${JSON.stringify(result.json, null, 2)}\n` : `${result.text}\n`);
    exitCode = result.exitCode;
  };
  /** Loads the config, runs the command, prints its result. Commander passes the arguments. */
  const run =
    <A extends unknown[]>(fn: (config: Config, ...args: A) => Promise<CommandResult> | CommandResult) =>
    async (...args: A): Promise<void> => {
      print(await fn(await load(), ...args));
    };
  const progress = process.stderr.isTTY === true;
  /** Long JSON (`sends ID`, `subscribers list`) piece by piece, waiting whenever stdout (a pipe) is full. */
  const writeChunks = async (chunks: Iterable<string>): Promise<void> => {
    for (const chunk of chunks) {
      io.stdout(chunk);
      if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
    }
  };

  program
    .command('build')
    .description('content → out/: feeds, pages, stylesheets')
    .option('--dry-run', 'render and compare, write nothing')
    .action(
      run(async (config, o: { dryRun?: boolean }) => {
        // Nothing changed since the last build: proved by stat alone, before loading the build.
        const [{ buildUnlessUpToDate }, { buildResult }] = await Promise.all([import('./commands/build-shortcut.js'), import('./commands/build-summary.js')]);
        return buildResult(await buildUnlessUpToDate(config, reporter, { dryRun: o.dryRun === true }));
      }),
    );

  program
    .command('check')
    .description('validate config, content and templates; report every problem; write nothing')
    .action(
      run(async (config) => {
        const { checkCommand } = await import('./commands/check.js');
        return checkCommand(config, reporter);
      }),
    );

  program
    .command('digest')
    .description('render the next digest into .gazette/preview/ (html, txt, eml); send nothing')
    .action(
      run(async (config) => {
        const { digestPreviewCommand } = await import('./commands/digest-preview.js');
        return digestPreviewCommand(config, reporter, new Date(), io.env);
      }),
    );

  program
    .command('publish')
    .description('build, then send the digest of new articles to every active subscriber')
    .addOption(new Option('--dry-run', 'show what would be published and sent; change nothing'))
    .action(
      run(async (config, o: { dryRun?: boolean }) => {
        const dryRun = o.dryRun === true;
        const { publishResult, runPublish } = await import('./commands/publish.js');
        if (dryRun) {
          const { openStore } = await import('./state/index.js');
          const store = openStore(config.paths.root, { readonly: true });
          try {
            return publishResult(await runPublish(config, store, reporter, { dryRun, env: io.env }), true);
          } finally {
            store.close();
          }
        }
        const { withSendSession } = await import('./commands/send-session.js');
        return withSendSession(config, reporter, forceExit, async ({ store, signal }) =>
          publishResult(await runPublish(config, store, reporter, { dryRun, signal, progress, env: io.env }), false),
        );
      }),
    );

  program
    .command('resume')
    .description('continue a send that did not finish')
    .argument('<id>', 'digest id (see `gazette sends`)')
    .option('--resend-uncertain', 'also resend to recipients left "sending" by a crash (they may get it twice)')
    .action(
      run(async (config, id: string, o: { resendUncertain?: boolean }) => {
        const [{ withSendSession }, { sendDigest }, { sendFailed, summariseSend }] = await Promise.all([
          import('./commands/send-session.js'),
          import('./commands/digest-job.js'),
          import('./commands/publish.js'),
        ]);
        return withSendSession(config, reporter, forceExit, async ({ store, signal }) => {
          const send = await sendDigest(config, store, id, { signal, progress, env: io.env, resendUncertain: o.resendUncertain === true });
          return { exitCode: sendFailed(send) ? 1 : 0, text: summariseSend(id, send), json: { id, ...send } };
        });
      }),
    );

  program
    .command('sends')
    .description('send history; with an id, each recipient of that send')
    .argument('[id]', 'digest id')
    .action(async (id: string | undefined) => {
      const config = await load();
      const { sendDetailJsonChunks, sendsCommand } = await import('./commands/sends.js');
      // One send's rows as JSON are streamed: a send to 100,000 recipients is never one string.
      if (id !== undefined && globals().json) await writeChunks(sendDetailJsonChunks(config, id));
      else print(sendsCommand(config, id));
    });

  const subscribers = program.command('subscribers').description('manage the subscriber list');
  subscribers
    .command('add')
    .description('add an address as active (the operator vouches for consent)')
    .argument('<email>')
    .option('--name <name>', 'display name')
    .action(
      run(async (config, email: string, o: { name?: string }) => {
        const { addSubscriberCommand } = await import('./commands/subscribers.js');
        return addSubscriberCommand(config, email, o.name);
      }),
    );
  subscribers
    .command('remove')
    .description('unsubscribe an address (its history is kept)')
    .argument('<email>')
    .option('--purge', 'delete the address and its history instead')
    .action(
      run(async (config, email: string, o: { purge?: boolean }) => {
        const { removeSubscriberCommand } = await import('./commands/subscribers.js');
        return removeSubscriberCommand(config, email, o.purge === true);
      }),
    );
  subscribers
    .command('list')
    .description('list subscribers')
    .option('--status <status>', 'only pending, active, unsubscribed or bounced')
    .action(async (o: { status?: string }) => {
      const config = await load();
      const { listSubscribersCommand, subscribersJsonChunks } = await import('./commands/subscribers.js');
      if (globals().json) await writeChunks(subscribersJsonChunks(config, o.status));
      else print(listSubscribersCommand(config, o.status));
    });
  subscribers
    .command('import')
    .description('import a CSV file (email,name,status,subscribed_at; only email required)')
    .argument('<file>')
    .action(
      run(async (config, file: string) => {
        const { importSubscribersCommand } = await import('./commands/subscribers.js');
        return importSubscribersCommand(config, file);
      }),
    );
  subscribers
    .command('export')
    .description('export the list as CSV (to stdout, or to a file)')
    .argument('[file]')
    .action(
      run(async (config, file: string | undefined) => {
        const { exportSubscribersCommand } = await import('./commands/subscribers.js');
        const r = exportSubscribersCommand(config, file);
        // CSV on stdout is the export itself, also with --json.
        if (!file && globals().json) return { ...r, json: r.csv };
        return r;
      }),
    );

  const scheduleAction = async (config: Config, serveOpts?: { port: number; host: string }): Promise<CommandResult> => {
    const { checkScheduleConfig, publishOnSchedule, reloadingJobs, scheduleCommand } = await import('./commands/schedule.js');
    checkScheduleConfig(config); // before the server starts or the state is opened
    const [{ buildUnlessUpToDate }, { openSendStore }] = await Promise.all([import('./commands/build-shortcut.js'), import('./commands/send-session.js')]);
    // The scheduler sends digests too: the same store, lock and heap bound as publish and resume.
    const { store, lock } = openSendStore(config, reporter);
    const jobs = reloadingJobs(
      config,
      load,
      {
        build: async (cfg) => {
          // A tick with nothing new costs a few stat() calls, not a build.
          const r = await buildUnlessUpToDate(cfg, reporter, { store });
          return { articles: r.published, recipients: 0, sent: 0, failed: 0, pending: 0, digestId: null };
        },
        // The scheduler holds the send lock around this run.
        publish: (cfg, signal) => publishOnSchedule(cfg, store, reporter, { signal, env: io.env }),
      },
      reporter,
    );
    let server: RunningServer | null = null;
    try {
      if (serveOpts) {
        const { startServer } = await import('./commands/serve.js');
        server = await startServer(config, reporter, { ...serveOpts, handleSignals: false, env: io.env });
        reporter.info(`serving ${config.paths.out} at ${server.url}`);
      }
      return await scheduleCommand(config, reporter, {
        json: globals().json === true,
        jobs,
        lock,
        slots: store,
        write: io.stdout,
        onForceExit: forceExit,
      });
    } finally {
      await server?.stop();
      lock.release();
      store.close();
    }
  };

  program
    .command('schedule')
    .description('stay running: rebuild on schedule.build, publish on schedule.digest')
    .action(async () => {
      const result = await scheduleAction(await load());
      // The run log already ended with its "stopped" line; only the exit code is left.
      exitCode = result.exitCode;
    });

  program
    .command('serve')
    .description('serve out/ and the subscribe, confirm and unsubscribe endpoints')
    .option('--port <port>', 'port (0: any free port, printed on start)', '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--schedule', 'also run the scheduler in this process')
    .action(async (o: { port: string; host: string; schedule?: boolean }) => {
      const { parsePort, serveCommand } = await import('./commands/serve.js');
      const port = parsePort(o.port);
      const config = await load();
      if (o.schedule) {
        exitCode = (await scheduleAction(config, { port, host: o.host })).exitCode;
        return;
      }
      print(await serveCommand(config, reporter, { port, host: o.host, env: io.env }));
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage mistakes with 2.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isGazetteError(e)) {
      io.stderr(`gazette: ${e.message}\n`);
      return e.code === 'USAGE' ? 2 : 1;
    }
    io.stderr(`gazette: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
