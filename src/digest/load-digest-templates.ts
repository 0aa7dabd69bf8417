/**
 * Reads the digest templates: `digest.template` (MJML + Liquid) and, when it exists, a text
 * template with the same name ending in `.txt` (templates/digest.txt). The only file I/O of the
 * digest; everything after it is pure.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { GazetteError } from '../errors.js';
import { templateText } from '../output/load-templates.js';
import type { DigestTemplates, TemplateSource } from './render-digest.js';

/** `template` is `digest.template` from the config, relative to `root`. */
export function loadDigestTemplates(root: string, template: string): DigestTemplates {
  const mjmlPath = resolve(root, template);
  const mjml = readTemplate(root, mjmlPath, true)!;
  const textPath = mjmlPath.replace(/(\.mjml)?$/i, '.txt');
  const text = textPath === mjmlPath ? null : readTemplate(root, textPath, false);
  return text ? { mjml, text } : { mjml };
}

function readTemplate(root: string, path: string, required: boolean): TemplateSource | null {
  const file = relative(root, path) || path;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return null;
    if (code === 'ENOENT') throw new GazetteError('TEMPLATE', `${file}: no such template (digest.template in the config names it)`, { cause: e });
    throw new GazetteError('TEMPLATE', `${file}: cannot read: ${(e as Error).message}`, { cause: e });
  }
  return { file, source: templateText(bytes, file) };
}
