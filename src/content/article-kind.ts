/**
 * Its own module so that listing the content folder (content-files.ts) does not have to load the
 * article parser and its markdown stack. parse-article.ts re-exports it.
 */
import { posix } from 'node:path';

const KINDS: Readonly<Record<string, 'markdown' | 'text'>> = { '.md': 'markdown', '.markdown': 'markdown', '.txt': 'text' };

/** Which files are articles, and how they are written. */
export function articleKind(path: string): 'markdown' | 'text' | undefined {
  return KINDS[posix.extname(path).toLowerCase()];
}
