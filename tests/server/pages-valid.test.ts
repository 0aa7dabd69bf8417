// The pages the server writes itself (subscription steps, errors) are valid HTML, checked with the
// W3C Nu Html Checker, also with a site title and form values full of markup and unicode.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorPage, notFoundPage, tooManyRequestsPage } from '../../src/server/pages/error-pages.js';
import type { Page } from '../../src/server/pages/page-layout.js';
import {
  checkInboxPage,
  confirmedPage,
  expiredLinkPage,
  invalidLinkPage,
  subscribePage,
  subscriptionsOffPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from '../../src/server/pages/subscription-pages.js';
import { validateHtml } from '../validators/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gazette-server-pages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('server pages', () => {
  it('are valid HTML, whatever the site title and the form values hold', () => {
    const site = { title: '<b>News & "Co"</b> — Ωμέγα 日本', language: 'de-CH' };
    const pages: Record<string, Page> = {
      subscribe: subscribePage(site),
      refused: subscribePage(site, { email: '"><script>alert(1)</script>@x', name: 'Zoë </label>', error: 'That address <cannot> receive mail.' }),
      inbox: checkInboxPage(site),
      confirmed: confirmedPage(site),
      expired: expiredLinkPage(site),
      invalid: invalidLinkPage(site),
      unsubscribe: unsubscribeConfirmPage(site, 'a.b-c_d"<>', 'reader+tag@example.net'),
      unsubscribed: unsubscribedPage(site),
      off: subscriptionsOffPage(site),
      notFound: notFoundPage(site, '../../'),
      tooMany: tooManyRequestsPage(site, '../', 90),
      error: errorPage(site, './', 500),
    };
    const files = Object.entries(pages).map(([name, page]) => {
      const file = join(dir, `${name}.html`);
      writeFileSync(file, page.html);
      return file;
    });
    expect(pages['refused']!.html).not.toContain('<script>');
    expect(validateHtml(...files)).toEqual([]);
  });
});
