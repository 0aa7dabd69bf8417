/**
 * Reads the site templates folder into TemplateSources: the only file access the pages need.
 * It lives here, at the I/O edge, so src/render stays free of node:fs.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GazetteError } from '../errors.js';
import { BUILTIN_FALLBACK_TEMPLATES, PAGE_TEMPLATES, STYLESHEET_TEMPLATE, type TemplateSources } from '../render/page-sources.js';

/** The templates shipped with Gazette (the package's templates/ folder), for sites without their own. */
export const BUILTIN_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/**
 * Every `*.liquid` file of `dir` (page templates and partials) and style.css. A missing page
 * template or stylesheet, or a file that is not UTF-8, is a GazetteError('TEMPLATE') naming it.
 * Text is normalised (BOM dropped, CRLF → LF) so a Windows checkout builds byte-identical pages.
 */
export async function loadTemplates(dir: string): Promise<TemplateSources> {
  const origin = displayPath(dir);
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isFile() || d.isSymbolicLink())
      .map((d) => d.name)
      .sort();
  } catch (e) {
    throw new GazetteError('TEMPLATE', `${origin}: cannot read the templates folder: ${(e as Error).message}`, { cause: e });
  }
  const required = [...Object.values(PAGE_TEMPLATES).filter((name) => !BUILTIN_FALLBACK_TEMPLATES.includes(name)), STYLESHEET_TEMPLATE];
  const missing = required.filter((name) => !entries.includes(name));
  if (missing.length > 0) {
    throw GazetteError.fromProblems(
      'TEMPLATE',
      `templates missing in ${origin}/ (copy them from ${displayPath(BUILTIN_TEMPLATES_DIR)})`,
      missing.map((name) => ({ file: `${origin}/${name}`, message: 'template missing' })),
    );
  }
  const liquid: Record<string, string> = {};
  for (const name of entries.filter((n) => n.endsWith('.liquid'))) {
    liquid[name] = await readText(join(dir, name), `${origin}/${name}`);
  }
  for (const name of BUILTIN_FALLBACK_TEMPLATES) {
    liquid[name] ??= await readText(join(BUILTIN_TEMPLATES_DIR, name), `${displayPath(BUILTIN_TEMPLATES_DIR)}/${name}`);
  }
  const stylesheet = await readText(join(dir, STYLESHEET_TEMPLATE), `${origin}/${STYLESHEET_TEMPLATE}`);
  return { origin, liquid, stylesheet };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readText(file: string, shown: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new GazetteError('TEMPLATE', `${shown}: cannot read: ${(e as Error).message}`, { cause: e });
  }
  return templateText(bytes, shown);
}

/**
 * A template file's bytes as text: strict UTF-8 (an error names `shown` and the line), without a
 * BOM, with LF line ends (what an editor adds must not reach Liquid or MJML).
 */
export function templateText(bytes: Uint8Array, shown: string): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (e) {
    throw new GazetteError('TEMPLATE', `${shown}:${invalidUtf8Line(bytes)}: not valid UTF-8 (save the file as UTF-8)`, { cause: e });
  }
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** The 1-based line holding the first byte sequence that is not UTF-8. */
function invalidUtf8Line(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        utf8.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line += 1;
      start = i + 1;
    }
  }
  return line;
}

function displayPath(dir: string): string {
  const rel = relative(process.cwd(), dir).replace(/\\/g, '/').replace(/\/$/, '');
  return rel === '' ? '.' : rel.startsWith('../../') ? dir.replace(/\/$/, '') : rel;
}
