/**
 * The data a digest template sees, built from the model. Everything is plain text or an absolute
 * URL; the Liquid engine escapes it on output. Dates are shown in the site's time zone and
 * language. Pure.
 *
 * Template variables (snake_case, as Liquid templates usually are):
 *   site.title, site.url, site.host, site.description, site.language
 *   digest.id, digest.subject, digest.preheader, digest.count (all new articles),
 *   digest.shown_count, digest.more_count, digest.more_url, digest.web_url, digest.date, digest.date_iso
 *   articles[]: title, url, byline, authors[], date, date_iso, summary, image (null when none),
 *               image_alt, tags[]
 *   email.postal_address
 *   recipient: name, email, unsubscribe_url; null in the web version
 *   web: true in the web version, false in the email
 */
import type { Article, Site } from '../model/index.js';
import { cleanLine } from './clean-text.js';
// Type-only: render-digest imports this module's values, so a value import back would be a cycle.
import type { RenderDigestInput } from './render-digest.js';

export interface DigestArticleData {
  readonly title: string;
  readonly url: string;
  readonly byline: string;
  readonly authors: readonly string[];
  readonly date: string;
  readonly date_iso: string;
  readonly summary: string;
  readonly image: string | null;
  readonly image_alt: string;
  readonly tags: readonly string[];
}

export interface DigestTemplateData {
  readonly site: {
    readonly title: string;
    readonly url: string;
    readonly host: string;
    readonly description: string;
    readonly language: string;
  };
  readonly digest: {
    readonly id: string;
    readonly subject: string;
    readonly preheader: string;
    readonly count: number;
    readonly shown_count: number;
    readonly more_count: number;
    readonly more_url: string;
    readonly web_url: string;
    readonly date: string;
    readonly date_iso: string;
  };
  readonly articles: readonly DigestArticleData[];
  readonly email: { readonly postal_address: string };
}

/** The render input without its templates; `subject` is the rendered subject line here. */
export type DigestDataInput = Omit<RenderDigestInput, 'templates'> & { readonly webUrl: string };

const PREHEADER_MAX = 140;

export function buildDigestData(input: DigestDataInput): DigestTemplateData {
  const { site } = input;
  const date = dateFormatter(site);
  const list = listFormatter(site);
  const articles = input.shown.map((a) => articleData(a, date, list));
  const count = input.shown.length + input.more.length;
  return {
    site: {
      title: cleanLine(site.title),
      url: site.url,
      host: new URL(site.url).host,
      description: cleanLine(site.description),
      language: site.language,
    },
    digest: {
      id: input.digestId,
      subject: input.subject,
      preheader: preheader(articles, input.more.length),
      count,
      shown_count: input.shown.length,
      more_count: input.more.length,
      more_url: site.url,
      web_url: input.webUrl,
      date: date.format(input.createdAt),
      date_iso: input.createdAt.toISOString(),
    },
    articles,
    email: { postal_address: cleanLine(input.postalAddress) },
  };
}

function articleData(a: Article, date: Intl.DateTimeFormat, list: Intl.ListFormat): DigestArticleData {
  const title = cleanLine(a.title);
  const authors = a.authors.map((x) => cleanLine(x.name)).filter((n) => n.length > 0);
  const alt = typeof a.extra['image_alt'] === 'string' ? a.extra['image_alt'] : typeof a.extra['imageAlt'] === 'string' ? a.extra['imageAlt'] : '';
  return {
    title,
    url: a.url,
    byline: authors.length ? list.format(authors) : '',
    authors,
    date: date.format(a.date),
    date_iso: a.date.toISOString(),
    summary: cleanLine(a.summary),
    // Only web images: a data: or relative URL would not display in a mail client anyway.
    image: a.image && /^https?:\/\//i.test(a.image) ? a.image : null,
    image_alt: cleanLine(alt) || title,
    tags: a.tags.map((t) => cleanLine(t.name)),
  };
}

/** The inbox preview line: the first titles, then how many more. */
function preheader(articles: readonly DigestArticleData[], more: number): string {
  const titles: string[] = [];
  let length = 0;
  for (const a of articles) {
    if (titles.length > 0 && length + a.title.length > PREHEADER_MAX) break;
    titles.push(a.title);
    length += a.title.length + 3;
  }
  const rest = articles.length - titles.length + more;
  const text = titles.join(' · ') + (rest > 0 ? ` · and ${rest} more` : '');
  return Array.from(text).length > PREHEADER_MAX * 1.5 ? `${Array.from(text).slice(0, PREHEADER_MAX).join('')}…` : text;
}

function dateFormatter(site: Site): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(site.language, { dateStyle: 'long', timeZone: site.timezone });
  } catch {
    return new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });
  }
}

function listFormatter(site: Site): Intl.ListFormat {
  try {
    return new Intl.ListFormat(site.language, { style: 'long', type: 'conjunction' });
  } catch {
    return new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });
  }
}
