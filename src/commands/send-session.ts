/**
 * What `publish` and `resume` need around a send: the site's inter-process lock (the one the
 * scheduler takes, so two senders never work on one digest) and a two-phase stop on signals.
 */
import { setFlagsFromString } from 'node:v8';
import type { Config } from '../config/index.js';
import { GazetteError } from '../errors.js';
import { createStoreRunLock, type RunLock } from '../schedule/index.js';
import { openStore, thisProcessLockOwner, type Store } from '../state/index.js';
import type { Reporter } from './command-result.js';

export interface SendSession {
  readonly store: Store;
  /** Aborted by the first SIGINT/SIGTERM: stop taking recipients, finish those in flight. */
  readonly signal: AbortSignal;
}

/**
 * A send makes short-lived garbage at a steady rate for as long as it runs (each message, its SMTP
 * transaction, the ledger's writes). V8's default lets the old generation grow to up to 4× what
 * is live before a full collection: a publish to 40,000 recipients peaked at 350 MB of RSS, and a
 * longer one climbs further. Growing it by at most 50% keeps a 100,000-recipient publish near
 * 230 MB, for a GC cost that does not show next to SMTP. Process-wide and idempotent.
 */
function boundHeapGrowthForSending(): void {
  setFlagsFromString('--heap-growing-percent=50');
}

/**
 * The site's store, opened for a process that sends (publish, resume, the scheduler), with the
 * send lock it must hold around a send (not taken yet) and the heap bound a long send needs.
 */
export function openSendStore(config: Config, reporter: Reporter): { store: Store; lock: RunLock } {
  boundHeapGrowthForSending();
  const store = openStore(config.paths.root);
  const lock = createStoreRunLock({
    store,
    owner: thisProcessLockOwner(),
    onLost: (holder) => reporter.warn(`the send lock was taken over${holder ? ` by ${holder}` : ''}`),
  });
  return { store, lock };
}

export async function withSendSession<T>(
  config: Config,
  reporter: Reporter,
  onForceExit: (signal: NodeJS.Signals) => void,
  fn: (session: SendSession) => Promise<T>,
): Promise<T> {
  const { store, lock } = openSendStore(config, reporter);
  const attempt = lock.tryAcquire();
  if (!attempt.acquired) {
    store.close();
    throw new GazetteError(
      'LOCKED',
      `another gazette process${attempt.holder ? ` (${attempt.holder})` : ''} is publishing this site; nothing was done. Try again when it has finished.`,
    );
  }
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      onForceExit(signal);
      return;
    }
    reporter.info(`${signal}: finishing the messages in flight, then stopping (again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn({ store, signal: controller.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    lock.release();
    store.close();
  }
}
