/**
 * The work the scheduler runs, declared here and implemented in commands/ (the real build and
 * publish). Each call reads the config and the content from disk again, so an edit between ticks
 * is picked up; a config that became invalid makes that call throw (a GazetteError naming the
 * key), which the scheduler reports before going on with the next tick.
 *
 * The signal is phase one of a stop: once it aborts, take no new work (no new recipient), finish
 * the messages already handed to the transport, record them, and return what was done. A job that
 * is still running when the scheduler's drain timeout ends is abandoned: what it had in flight stays
 * `sending` in the ledger, which reports it as uncertain.
 */
export type RunKind = 'build' | 'digest';

export interface RunOutcome {
  /** build: articles published; digest: articles the digest covers (0 when nothing was new). */
  readonly articles: number;
  /** Recipients frozen for the digest (0 for a build, or when no digest was made). */
  readonly recipients: number;
  /** Accepted by the SMTP server (or written to the outbox). */
  readonly sent: number;
  /** Final failures: hard bounces and exhausted retries. */
  readonly failed: number;
  /**
   * Recipients left to send: the send was paused or stopped. A digest run that leaves some is not
   * recorded as completed, so a restart catches the slot up (and the publish job resumes it).
   */
  readonly pending: number;
  /** The digest made, or null when there was nothing new to send. */
  readonly digestId: string | null;
  /**
   * Earlier sends this run continued before making its digest (stopped by a signal or a
   * restart, paused, cut off by a crash), each with what this run did for it. Their counts are
   * included in `sent`, `failed` and `pending` above, which cover the whole run. Absent or empty
   * when there were none.
   */
  readonly resumed?: readonly ResumedSend[];
}

export interface ResumedSend {
  readonly id: string;
  readonly sent: number;
  readonly failed: number;
  /** Still left to send in that digest after this run. */
  readonly pending: number;
}

export interface ScheduledJobs {
  /** Rebuild the site and feeds. */
  build(signal: AbortSignal): Promise<RunOutcome>;
  /** Build, then make and send the digest of new articles (what `gazette publish` does). */
  publish(signal: AbortSignal): Promise<RunOutcome>;
}
