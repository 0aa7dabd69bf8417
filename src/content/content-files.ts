/**
 * The article files under the content folder, walked recursively in a fixed order (code-point
 * order of names, the same on every machine). Skipped: names starting with "." or "_" (drafts
 * folders, editor files, .git) and files that are not .md, .markdown or .txt.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Problem } from '../errors.js';
import { articleKind } from './article-kind.js';

export interface ContentFile {
  readonly absolutePath: string;
  /** Relative to the site root, forward slashes. */
  readonly sourcePath: string;
}

export async function listContentFiles(root: string, dir: string): Promise<{ files: ContentFile[]; problems: Problem[] }> {
  const files: ContentFile[] = [];
  const problems: Problem[] = [];
  const base = resolve(root);
  const top = resolve(base, dir);
  // Every path walked starts with `base` + sep (it is joined onto it): slicing is path.relative
  // without its normalising, which ten thousand files notice.
  const toSource = (abs: string): string => {
    const rel = abs.startsWith(base + sep) ? abs.slice(base.length + 1) : relative(base, abs);
    return sep === '/' ? rel : rel.split(sep).join('/');
  };
  const visited = new Set<string>();

  const walk = async (folder: string): Promise<void> => {
    let real: string;
    try {
      real = await realpath(folder);
    } catch (e) {
      problems.push({ file: toSource(folder), message: `cannot read the folder: ${(e as Error).message}` });
      return;
    }
    if (visited.has(real)) return; // a symbolic link back up the tree
    visited.add(real);
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
      const abs = join(folder, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = await stat(abs);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch {
          problems.push({ file: toSource(abs), message: 'broken symbolic link' });
          continue;
        }
      }
      if (isDir) await walk(abs);
      else if (isFile && articleKind(entry.name)) files.push({ absolutePath: abs, sourcePath: toSource(abs) });
    }
  };

  try {
    const s = await stat(top);
    if (!s.isDirectory()) {
      problems.push({ file: toSource(top), message: 'the content folder is not a folder' });
      return { files, problems };
    }
  } catch {
    problems.push({ file: toSource(top), message: 'the content folder does not exist: create it or set content.dir in the config' });
    return { files, problems };
  }
  await walk(top);
  return { files, problems };
}
