/**
 * Times are stored as integer milliseconds since the epoch (UTC): sortable, exact, and the same
 * value a `Date` holds. The interface only ever sees `Date`.
 */
import { GazetteError } from '../errors.js';

export function toDbTime(date: Date, what: string): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new GazetteError('STATE', `Invalid date for ${what}.`);
  return ms;
}

export function toDbTimeOrNull(date: Date | null | undefined, what: string): number | null {
  return date === null || date === undefined ? null : toDbTime(date, what);
}

export function fromDbTime(ms: number): Date {
  return new Date(ms);
}

export function fromDbTimeOrNull(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
