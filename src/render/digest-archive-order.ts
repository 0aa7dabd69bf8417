import type { ArchivedDigest } from './archived-digest.js';

/**
 * Newest first, the order of the archive page and its feeds. Two digests made in the same
 * millisecond fall back to the id, descending, so "…-2" (the second made) comes first and the
 * order never depends on how the store listed them.
 */
export function newestDigestsFirst(digests: readonly ArchivedDigest[]): ArchivedDigest[] {
  return [...digests].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}
