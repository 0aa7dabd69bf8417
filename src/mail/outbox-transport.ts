/**
 * The default transport: each message becomes one `.eml` file under
 * `.gazette/outbox/<digest id>/`, named `<nnnnnn>-<recipient>.eml`, so a fresh clone can publish
 * with no SMTP server and an operator can open what would have been sent in any mail client.
 *
 * Invariants: a file appears whole or not at all (written to a temporary name in the same folder,
 * flushed to disk, then renamed); nothing is ever written outside the state folder; numbering
 * continues after the highest number already present, so a resumed send never overwrites.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { GazetteError } from '../errors.js';
import { isEnvelopeAddress } from './envelope-address.js';
import type { OutgoingMessage, SendOutcome, Transport } from './transport.js';

export interface OutboxTransportOptions {
  /** The private state folder (`config.paths.state`, i.e. `<root>/.gazette`). */
  readonly stateDir: string;
  /** The digest being sent: names the sub-folder. Letters, digits, ".", "_" and "-" only. */
  readonly digestId: string | number;
}

const DIGEST_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const NUMBERED = /^(\d{6,})-.*\.eml$/;
/** Concurrent writes worth having; the disk, not the network, is the limit here. */
const CONCURRENCY = 4;

export function outboxDir(stateDir: string, digestId: string | number): string {
  const id = String(digestId);
  if (!DIGEST_ID.test(id) || id.includes('..')) {
    throw new GazetteError('MAIL', `outbox: digest id ${JSON.stringify(id)} cannot name a folder (letters, digits, ".", "_", "-" only)`);
  }
  const base = resolve(stateDir);
  const dir = resolve(base, 'outbox', id);
  if (!dir.startsWith(base + sep)) {
    throw new GazetteError('MAIL', `outbox: ${dir} is outside the state folder ${base}`);
  }
  return dir;
}

/** A recipient address as a file-name fragment: lower case, [a-z0-9._@+-] only, bounded. */
export function safeRecipientName(address: string): string {
  const cleaned = address
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^a-z0-9._@+-]+/g, '_')
    .replace(/^\.+/, '') // no hidden files
    .slice(0, 80);
  return cleaned || 'recipient';
}

export function createOutboxTransport(options: OutboxTransportOptions): Transport {
  const dir = outboxDir(options.stateDir, options.digestId);
  const display = `${join(basename(resolve(options.stateDir)), relative(resolve(options.stateDir), dir))}${sep}`;
  let ready: Promise<number> | null = null;
  let nextNumber = 0;
  let inFlight = 0;
  let onIdle: Array<() => void> = [];
  let closed = false;

  /** Creates the folder once and finds where numbering continues. */
  const prepare = (): Promise<number> => {
    ready ??= (async () => {
      await mkdir(dir, { recursive: true });
      let highest = 0;
      for (const name of await readdir(dir)) {
        const m = NUMBERED.exec(name);
        if (m) highest = Math.max(highest, Number(m[1]));
      }
      return highest + 1;
    })();
    return ready;
  };

  const write = async (message: OutgoingMessage): Promise<SendOutcome> => {
    let first: number;
    try {
      first = await prepare();
    } catch (error) {
      ready = null; // let the next attempt try again (a folder created meanwhile, space freed)
      return fault(error, `cannot create ${display}`);
    }
    nextNumber = Math.max(nextNumber, first);
    // Taken synchronously after the await: concurrent writes never share a number.
    const number = nextNumber++;
    const name = `${String(number).padStart(6, '0')}-${safeRecipientName(message.to)}.eml`;
    const target = join(dir, name);
    const temp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(message.raw);
        // On disk before the rename: a message reported as written survives a power cut.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => {});
      return fault(error, `cannot write ${display}${name}`);
    }
    return { ok: true, response: `250 written ${display}${name}` };
  };

  return {
    concurrency: CONCURRENCY,
    describe: () => `outbox ${display}`,

    async send(message: OutgoingMessage): Promise<SendOutcome> {
      if (closed) throw new GazetteError('MAIL', `outbox ${display}: the transport is closed`);
      if (!isEnvelopeAddress(message.from)) {
        throw new GazetteError('MAIL', `email.from: envelope sender ${JSON.stringify(message.from)} is not a valid address`);
      }
      if (!isEnvelopeAddress(message.to)) {
        return { ok: false, permanent: true, response: `invalid recipient address ${JSON.stringify(message.to)}` };
      }
      inFlight++;
      try {
        return await write(message);
      } finally {
        inFlight--;
        if (inFlight === 0) {
          const callbacks = onIdle;
          onIdle = [];
          for (const cb of callbacks) cb();
        }
      }
    },

    async close(): Promise<void> {
      closed = true;
      if (inFlight > 0) await new Promise<void>((resolve) => onIdle.push(resolve));
    },
  };
}

/** A file-system failure is temporary: space can be freed, permissions fixed, then resume. */
function fault(error: unknown, what: string): SendOutcome {
  const e = error as NodeJS.ErrnoException;
  const reason = e?.code ? `${e.code}` : String(e?.message ?? error);
  return { ok: false, permanent: false, response: `${what}: ${reason}` };
}
