/**
 * Where the loader looks up when it first saw an article without a date. Implemented by the state
 * store; the loader only reads, and reports what it saw for the first time (LoadResult.newlySeen)
 * so that the caller records it.
 */
export interface FirstSeenLedger {
  firstSeen(id: string): Date | undefined;
}
