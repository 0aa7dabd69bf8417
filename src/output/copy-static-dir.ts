/**
 * Files under static/ (images, favicon, robots.txt, .well-known/…) as OutputFiles with the same
 * relative paths, so they reach out/ through the same atomic, quiet, clean writer as the pages.
 */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GazetteError } from '../errors.js';
import type { OutputFile } from '../model/index.js';

/** Operating-system litter and version-control folders: never part of a site. */
const IGNORED = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini', '.git', '.svn', '.hg']);

/** A file under static/: its path in out/ (and relative to static/) and where it is now. */
export interface StaticFile {
  readonly path: string;
  readonly abs: string;
}

/** Every file under `staticDir`, sorted by path; [] when the folder does not exist. */
export async function copyStaticDir(staticDir: string, listed?: readonly StaticFile[]): Promise<OutputFile[]> {
  const files: OutputFile[] = [];
  for (const { path, abs } of listed ?? (await listStaticFiles(staticDir))) {
    try {
      files.push({ path, content: await readFile(abs) });
    } catch (e) {
      throw new GazetteError('OUTPUT', `${abs}: cannot read: ${(e as Error).message}`, { cause: e });
    }
  }
  return files;
}

/** The files `copyStaticDir` copies, without reading them, sorted by path. */
export async function listStaticFiles(staticDir: string): Promise<StaticFile[]> {
  let top;
  try {
    top = await stat(staticDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new GazetteError('OUTPUT', `${staticDir}: cannot read: ${(e as Error).message}`, { cause: e });
  }
  if (!top.isDirectory()) throw new GazetteError('OUTPUT', `${staticDir}: expected a folder of static files`);
  const files: StaticFile[] = [];
  await walk(staticDir, '', files, new Set([await realpath(staticDir)]));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(dir: string, prefix: string, out: StaticFile[], seen: Set<string>): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new GazetteError('OUTPUT', `${dir}: cannot read: ${(e as Error).message}`, { cause: e });
  }
  for (const entry of entries) {
    if (IGNORED.has(entry.name)) continue;
    const abs = join(dir, entry.name);
    const path = prefix + entry.name;
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      // Follow links (a shared images folder, say), but never around a loop.
      const target = await stat(abs).catch(() => undefined);
      if (!target) throw new GazetteError('OUTPUT', `${abs}: broken symbolic link`);
      isDir = target.isDirectory();
      isFile = target.isFile();
      if (isDir) {
        const real = await realpath(abs);
        if (seen.has(real)) continue;
        seen.add(real);
      }
    }
    if (isDir) await walk(abs, `${path}/`, out, seen);
    else if (isFile) out.push({ path, abs });
  }
}
