/** `gazette schedule`: node-cron ticks, one run at a time, missed-slot catch-up, two-phase stop. */
export { startScheduler, type Scheduler, type SchedulerOptions, type StopOptions, type StopReport, type NextRuns } from './scheduler.js';
export type { ScheduledJobs, RunOutcome, RunKind, ResumedSend } from './scheduled-jobs.js';
export type { RunLock, LockAttempt } from './run-lock.js';
export { createStoreRunLock, describeHolder, SEND_LOCK_NAME, DEFAULT_STALE_AFTER_MS, type StoreRunLockOptions } from './store-run-lock.js';
export { LAST_DIGEST_SLOT_KEY, readLastDigestSlot, writeLastDigestSlot, type SlotStore, type SlotRecord } from './slot-record.js';
export { latestMissedSlot, latestSlotBetween, MAX_LOOKBACK_DAYS, type MissedSlotQuery } from './missed-slot.js';
export { createRunLog, describeError, type RunLog, type RunLogOptions, type SkipReason } from './run-log.js';
export { systemClock, type Clock } from './clock.js';
export { formatInZone } from './cron-wall-time.js';
