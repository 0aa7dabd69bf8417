/**
 * stat() and lstat() for checks that only ask "is this still the file we know?": a file that is
 * gone or cannot be stat'ed simply answers undefined, and the caller takes the slow, sure path.
 */
import { lstatSync, statSync, type Stats } from 'node:fs';

export function statQuiet(abs: string): Stats | undefined {
  try {
    return statSync(abs, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

export function lstatQuiet(abs: string): Stats | undefined {
  try {
    return lstatSync(abs, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
