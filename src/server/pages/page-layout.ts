/**
 * The frame of the server's own small pages (subscribe, confirm, unsubscribe, errors). They match
 * the built site — same header, the site's /style.css — plus a few inline rules for the form,
 * which the site stylesheet does not style. Every link is relative, so the pages keep working
 * when the site lives under a sub-path behind a proxy (https://example.org/news/ → /).
 *
 * Pure: text in, HTML out. Every value is escaped here; callers pass plain text.
 */

export interface PageSite {
  readonly title: string;
  readonly language: string;
}

export interface Page {
  readonly status: number;
  readonly html: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Inline style for the form; allowed by the pages' CSP (`style-src 'self' 'unsafe-inline'`). */
const FORM_STYLE = `
.gz-form { display: grid; gap: .75rem; max-width: 26rem; margin: 1.5rem 0; }
.gz-form label { display: grid; gap: .25rem; font-weight: 600; }
.gz-form input { font: inherit; padding: .5rem .6rem; border: 1px solid #8a8d91; border-radius: 6px; background: transparent; color: inherit; }
.gz-form button, .gz-button { font: inherit; font-weight: 600; padding: .55rem 1rem; border: 0; border-radius: 6px; background: #0b57d0; color: #fff; cursor: pointer; justify-self: start; }
.gz-form button:focus-visible, .gz-button:focus-visible { outline: 2px solid #0b57d0; outline-offset: 2px; }
.gz-note { color: #5f6368; font-size: .9rem; }
.gz-error { color: #b3261e; font-weight: 600; }
@media (prefers-color-scheme: dark) { .gz-note { color: #a0a4a8; } .gz-error { color: #f2b8b5; } }
`;

/**
 * `root` is the relative way back to the site root from the page's URL: "../" for /api/… and
 * /subscribe/, "./" for a page at the root (the 404 page).
 */
export function renderPage(site: PageSite, root: string, title: string, bodyHtml: string): string {
  const siteTitle = escapeHtml(site.title);
  return `<!doctype html>
<html lang="${escapeHtml(site.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · ${siteTitle}</title>
<link rel="stylesheet" href="${root}style.css">
<style>${FORM_STYLE}</style>
</head>
<body>
<header class="site-header">
<a class="site-title" href="${root}">${siteTitle}</a>
</header>
<main>
<h1>${escapeHtml(title)}</h1>
${bodyHtml}
</main>
</body>
</html>
`;
}
