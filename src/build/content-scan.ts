/**
 * The content folder as one look found it: the article files, and the stat of each taken right
 * after listing. The no-change shortcut takes this look; when it finds a change, the build that
 * follows goes on from the same look instead of walking and stat-ing ten thousand files again.
 *
 * A stat taken a moment before the build is as good as one taken during it: a file that changes
 * after its stat no longer matches the stamp the build records, so the next build reads it.
 */
import type { Stats } from 'node:fs';
import { listContentFiles, type ContentFile } from '../content/content-files.js';
import type { Problem } from '../errors.js';
import { statQuiet } from './quiet-stat.js';

export interface ContentScan {
  readonly files: readonly ContentFile[];
  readonly problems: readonly Problem[];
  /** By position in `files`; undefined for a file gone (or unreadable) by the time of its stat. */
  readonly stats: readonly (Stats | undefined)[];
}

export async function scanContent(root: string, dir: string): Promise<ContentScan> {
  const { files, problems } = await listContentFiles(root, dir);
  return { files, problems, stats: files.map((f) => statQuiet(f.absolutePath)) };
}
