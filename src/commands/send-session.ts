/**
 * What `publish` and `resume` need around a send: the site's inter-process lock (the one the
 * scheduler takes, so two senders never work on one digest) and a two-phase stop on signals.
 */
import type { Config } from '../config/index.js';
import { GazetteError } from '../errors.js';
import { createStoreRunLock } from '../schedule/index.js';
import { openStore, thisProcessLockOwner, type Store } from '../state/index.js';
import type { Reporter } from './command-result.js';

export interface SendSession {
  readonly store: Store;
  /** Aborted by the first SIGINT/SIGTERM: stop taking recipients, finish those in flight. */
  readonly signal: AbortSignal;
}

export async function withSendSession<T>(
  config: Config,
  reporter: Reporter,
  onForceExit: (signal: NodeJS.Signals) => void,
  fn: (session: SendSession) => Promise<T>,
): Promise<T> {
  const store = openStore(config.paths.root);
  const lock = createStoreRunLock({
    store,
    owner: thisProcessLockOwner(),
    onLost: (holder) => reporter.warn(`the send lock was taken over${holder ? ` by ${holder}` : ''}`),
  });
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
