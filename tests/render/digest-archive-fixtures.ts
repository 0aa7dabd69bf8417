// Small factories for digest archive tests: fixed dates, fresh objects every call.
import type { ArchivedDigest } from '../../src/render/digest-archive.js';
import { SITE_URL } from './pages-fixtures.js';

/** Digest `n` was made n days after 2026-03-01 07:00 UTC; its id is the date, as the sender makes them. */
export function makeDigest(n: number, overrides: Partial<ArchivedDigest> = {}): ArchivedDigest {
  const createdAt = overrides.createdAt ?? new Date(Date.UTC(2026, 2, 1 + n, 7, 0, 0));
  const id = overrides.id ?? createdAt.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  return {
    id,
    createdAt,
    subject: `Example News: digest number ${n}`,
    webHtml: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Digest ${n}</title></head><body><h1>Digest ${n}</h1><p>Café — ünïcödé ✓</p></body></html>`,
    articleCount: 3,
    articles: [
      { title: `First story of digest ${n}`, url: `${SITE_URL}articles/d${n}-first/` },
      { title: `Second story of digest ${n}`, url: `${SITE_URL}articles/d${n}-second/` },
    ],
    ...overrides,
  };
}

export function digestUrl(digest: ArchivedDigest): string {
  return `${SITE_URL}digests/${digest.id}/`;
}
