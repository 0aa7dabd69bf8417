/**
 * Where the scheduler remembers the last digest slot it completed: a key in the state store's
 * meta table, so it survives restarts and is shared by every process on the site.
 *
 * The value means "digest slots up to this instant are settled". After a completed digest run it
 * is that run's slot; on the very first start (no value yet) it is the start time, so slots missed
 * from then on are caught up, but none from before the scheduler was ever started.
 */
export interface SlotStore {
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
}

export const LAST_DIGEST_SLOT_KEY = 'schedule.lastDigestSlot';

export interface SlotRecord {
  /** The recorded instant; null when there is none or it cannot be read. */
  readonly at: Date | null;
  /** The stored text when it is not an ISO 8601 time (then it is treated as no record). */
  readonly unreadable: string | null;
}

export function readLastDigestSlot(store: SlotStore): SlotRecord {
  const text = store.getMeta(LAST_DIGEST_SLOT_KEY);
  if (text === undefined) return { at: null, unreadable: null };
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? { at: null, unreadable: text } : { at, unreadable: null };
}

export function writeLastDigestSlot(store: SlotStore, at: Date): void {
  store.setMeta(LAST_DIGEST_SLOT_KEY, at.toISOString());
}
