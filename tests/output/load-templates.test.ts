// Reading the templates folder: what the operator gets told when a file is missing or mis-saved.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import { loadTemplates } from '../../src/output/load-templates.js';
import { createPageRenderer } from '../../src/render/pages.js';
import { copyTemplates, makeArticle, makeSite, removeTemplateCopies, text } from '../render/pages-fixtures.js';

afterAll(removeTemplateCopies);

async function loadError(dir: string): Promise<GazetteError> {
  try {
    await loadTemplates(dir);
  } catch (e) {
    if (e instanceof GazetteError) return e;
    throw e;
  }
  throw new Error('expected loadTemplates to fail');
}

describe('loadTemplates', () => {
  it('reads every .liquid file and the stylesheet, and nothing else', async () => {
    const dir = copyTemplates();
    writeFileSync(join(dir, 'notes.txt'), 'not a template');
    writeFileSync(join(dir, 'promo.liquid'), '<aside>{{ site.title }}</aside>');
    const sources = await loadTemplates(dir);
    expect(Object.keys(sources.liquid)).toEqual(expect.arrayContaining(['layout.liquid', 'article.liquid', 'index.liquid', 'tag.liquid', 'tags.liquid', 'promo.liquid']));
    expect(Object.keys(sources.liquid)).not.toContain('notes.txt');
    expect(sources.stylesheet).toContain('prefers-color-scheme');
  });

  it('names each missing template', async () => {
    const dir = copyTemplates();
    rmSync(join(dir, 'tag.liquid'));
    rmSync(join(dir, 'style.css'));
    const err = await loadError(dir);
    expect(err.code).toBe('TEMPLATE');
    expect(err.message).toMatch(/tag\.liquid: template missing/);
    expect(err.message).toMatch(/style\.css: template missing/);
    expect(err.problems.map((p) => p.file?.replace(/^.*\//, ''))).toEqual(['tag.liquid', 'style.css']);
  });

  it('says so when the folder does not exist', async () => {
    const err = await loadError(join(copyTemplates(), 'nope'));
    expect(err.message).toMatch(/nope: cannot read the templates folder/);
  });

  it('names the file and line of bytes that are not UTF-8', async () => {
    const dir = copyTemplates();
    writeFileSync(join(dir, 'index.liquid'), Buffer.concat([Buffer.from('{% layout "layout" %}\n{% block main %}\n<p>caf'), Buffer.from([0xe9]), Buffer.from('</p>\n{% endblock %}\n')]));
    const err = await loadError(dir);
    expect(err.message).toMatch(/index\.liquid:3: not valid UTF-8/);
  });

  it('drops a byte-order mark and CRLF line ends, so a Windows checkout builds the same pages', async () => {
    const unix = copyTemplates();
    const windows = copyTemplates();
    for (const name of ['layout.liquid', 'article.liquid']) {
      const file = join(windows, name);
      const body = (await loadTemplates(unix)).liquid[name]!;
      writeFileSync(file, `\uFEFF${body.replace(/\n/g, '\r\n')}`);
    }
    const a = createPageRenderer(await loadTemplates(unix)).renderArticle(makeSite(), makeArticle(1));
    const b = createPageRenderer(await loadTemplates(windows)).renderArticle(makeSite(), makeArticle(1));
    expect(text(b.content)).toBe(text(a.content));
    expect(text(b.content)).not.toContain('\r');
    expect(text(b.content)).not.toContain('\uFEFF');
  });
});
