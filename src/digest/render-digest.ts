/**
 * Renders a digest once: Liquid → MJML → HTML for the email (with per-recipient placeholders), the
 * plain-text part from the same data, and the public web version (no personal data). Pure apart
 * from the lazy import of mjml (about a second to load, so only commands that render pay for it).
 */
import { createHash } from 'node:crypto';
import type { Liquid, Template } from 'liquidjs';
import { GazetteError } from '../errors.js';
import type { Article, OutputFile, Site } from '../model/index.js';
import { checkDigestId, digestPath, digestUrl } from './digest-paths.js';
import { buildDigestData, type DigestTemplateData } from './digest-data.js';
import { cleanLine } from './clean-text.js';
import { createLiquid } from './liquid-engine.js';
import { DEFAULT_TEXT_TEMPLATE } from './default-text-template.js';
import { findUnsafeHtml } from './check-email-html.js';
import { escapeHtml, Placeholders, type PersonalDocument } from './personal-document.js';
import { liquidTemplateError, mjmlTemplateError, type TemplateRef } from './template-error.js';

export interface TemplateSource {
  /** For messages: the path relative to the site root ("templates/digest.mjml"). */
  readonly file: string;
  readonly source: string;
}

export interface DigestTemplates {
  readonly mjml: TemplateSource;
  /** The plain-text part; the built-in one when absent. */
  readonly text?: TemplateSource;
}

export interface RenderDigestInput {
  readonly site: Site;
  readonly digestId: string;
  /** When the digest was made: shown in it and used as the messages' Date header. */
  readonly createdAt: Date;
  readonly shown: readonly Article[];
  readonly more: readonly Article[];
  /** `email.postalAddress`. */
  readonly postalAddress: string;
  /** `digest.subject`: a Liquid template with `count`, `shown`, `more` and `site`. */
  readonly subject: string;
  readonly templates: DigestTemplates;
}

export interface RenderedDigest {
  readonly id: string;
  readonly createdAt: Date;
  readonly subject: string;
  readonly siteTitle: string;
  readonly siteUrl: string;
  /** Where the web version is published ("view in browser"). */
  readonly webUrl: string;
  readonly articleCount: { readonly shown: number; readonly more: number };
  /** The email's HTML with placeholders for the recipient's name, address and unsubscribe link. */
  readonly html: PersonalDocument;
  readonly text: PersonalDocument;
  /** `digests/<id>/index.html`, to be written into out/ before the first message goes out. */
  readonly web: OutputFile;
}

const DEFAULT_TEXT_FILE = '(built-in text template)';

/**
 * Gmail clips a message whose HTML passes about 100 KB, hiding the footer and its unsubscribe link.
 * A digest over this budget shows fewer cards: the others join "and N more" (still covered).
 */
export const MAX_HTML_BYTES = 90 * 1024;

export async function renderDigest(input: RenderDigestInput): Promise<RenderedDigest> {
  if (input.shown.length === 0) throw new RangeError('a digest needs at least one article to show');
  const id = checkDigestId(input.digestId);
  const webUrl = digestUrl(input.site.url, id);
  const templates = prepareTemplates(input);
  let current = input;
  for (;;) {
    const email = await renderEmail(current, id, webUrl, templates);
    const bytes = largestHtmlBytes(email.html, input.site.url);
    const shown = current.shown.length;
    if (bytes <= MAX_HTML_BYTES) {
      // Only the email is measured, so the web version is compiled once, from the pass that fits.
      const webMjml = await templates.mjml.render({ ...email.data, recipient: null, web: true });
      const webHtml = await compileMjml(webMjml, templates.mjml.ref, new Set());
      return {
        id,
        createdAt: current.createdAt,
        subject: email.subject,
        siteTitle: email.data.site.title,
        siteUrl: current.site.url,
        webUrl,
        articleCount: { shown: current.shown.length, more: current.more.length },
        html: email.html,
        text: email.text,
        web: { path: digestPath(id), content: webHtml },
      };
    }
    if (shown === 1) {
      throw templateProblem(current.templates.mjml, `the digest HTML is ${Math.ceil(bytes / 1024)} KB with a single article, over the ${MAX_HTML_BYTES / 1024} KB that mail clients show unclipped; make the template smaller`);
    }
    const keep = Math.max(1, Math.min(shown - 1, Math.floor((shown * MAX_HTML_BYTES) / bytes)));
    current = { ...current, shown: current.shown.slice(0, keep), more: [...current.shown.slice(keep), ...current.more] };
  }
}

/** The HTML's size for the longest values a recipient can bring (address, name, unsubscribe link). */
function largestHtmlBytes(html: PersonalDocument, siteUrl: string): number {
  let bytes = 0;
  for (const s of html.segments) bytes += Buffer.byteLength(s, 'utf8');
  for (const slot of html.slots) {
    if (slot.kind === 'unsubscribe_url') bytes += siteUrl.length + 480;
    else if (slot.kind === 'email') bytes += 254;
    else bytes += Math.max(1000, Buffer.byteLength(slot.fallback, 'utf8'));
  }
  return bytes;
}

/**
 * A Liquid template parsed on first use and then kept: the shrink loop renders the same templates
 * on every pass. Parsing lazily, not up front, keeps the order in which a broken template's errors
 * surface.
 */
class LiquidTemplate {
  private parsed: Template[] | undefined;

  constructor(
    private readonly engine: Liquid,
    readonly ref: TemplateRef,
  ) {}

  async render(data: object): Promise<string> {
    try {
      this.parsed ??= this.engine.parse(this.ref.source);
      return (await this.engine.render(this.parsed, data)) as string;
    } catch (e) {
      throw liquidTemplateError(e, this.ref);
    }
  }

  renderSync(data: object): string {
    try {
      this.parsed ??= this.engine.parse(this.ref.source);
      return this.engine.renderSync(this.parsed, data) as string;
    } catch (e) {
      throw liquidTemplateError(e, this.ref);
    }
  }
}

interface PreparedTemplates {
  readonly subject: LiquidTemplate;
  readonly mjml: LiquidTemplate;
  readonly text: LiquidTemplate;
}

/** The engines and the LF-normalised templates, made once for every pass of the shrink loop. */
function prepareTemplates(input: RenderDigestInput): PreparedTemplates {
  const htmlEngine = createLiquid('html');
  const textEngine = createLiquid('text');
  // Line ends are LF from here on, so the documents' segments never hold a CR that could pair with
  // an LF across a placeholder.
  const mjml = input.templates.mjml;
  const text = input.templates.text ?? { file: DEFAULT_TEXT_FILE, source: DEFAULT_TEXT_TEMPLATE };
  return {
    subject: new LiquidTemplate(textEngine, { file: '', key: 'digest.subject', source: input.subject }),
    mjml: new LiquidTemplate(htmlEngine, { file: mjml.file, source: lf(mjml.source) }),
    text: new LiquidTemplate(textEngine, { file: text.file, source: lf(text.source) }),
  };
}

/** One pass's email: what the size check measures, and the data the web version is made from. */
interface RenderedEmail {
  readonly subject: string;
  readonly data: DigestTemplateData;
  readonly html: PersonalDocument;
  readonly text: PersonalDocument;
}

async function renderEmail(input: RenderDigestInput, id: string, webUrl: string, templates: PreparedTemplates): Promise<RenderedEmail> {
  const subject = renderSubject(templates.subject, input);
  const data = buildDigestData({ ...input, digestId: id, subject, webUrl });
  const { mjml, text } = templates;
  const placeholders = new Placeholders(nonceFor(data, mjml.ref.source, text.ref.source));

  const emailMjml = await mjml.render({ ...data, recipient: placeholders.recipient(), web: false });
  const emailHtml = await compileMjml(emailMjml, mjml.ref, new Set([placeholders.unsubscribeUrl]));
  const emailText = tidyText(await text.render({ ...data, recipient: placeholders.recipient(), web: false }));
  const postal = data.email.postal_address;
  return {
    subject,
    data,
    html: personalDocument(placeholders, emailHtml, mjml.ref, escapeHtml(postal)),
    text: personalDocument(placeholders, emailText, text.ref, postal),
  };
}

/**
 * The compiled email cut at its placeholders, after checking what every digest must carry: an
 * unsubscribe link (RFC 8058, and the law in most places) and the sender's postal address.
 */
function personalDocument(placeholders: Placeholders, compiled: string, ref: TemplateRef, postal: string): PersonalDocument {
  const doc = placeholders.split(compiled);
  if (!doc) {
    throw templateProblem(ref, 'recipient.name, recipient.email and recipient.unsubscribe_url can only be printed as they are (or with `| default: "…"`): their value is filled in per subscriber');
  }
  if (!doc.slots.some((s) => s.kind === 'unsubscribe_url')) throw templateProblem(ref, 'every digest needs an unsubscribe link: add {{ recipient.unsubscribe_url }}');
  if (!doc.segments.some((s) => s.includes(postal))) throw templateProblem(ref, 'every digest shows the sender\'s postal address: add {{ email.postal_address }}');
  return doc;
}

function renderSubject(template: LiquidTemplate, input: RenderDigestInput): string {
  const count = input.shown.length + input.more.length;
  const out = template.renderSync({
    count,
    shown: input.shown.length,
    more: input.more.length,
    site: { title: cleanLine(input.site.title), url: input.site.url },
  });
  const subject = cleanLine(out);
  if (!subject) throw new GazetteError('CONFIG', 'digest.subject: renders to an empty subject');
  return subject;
}

type Mjml2Html = typeof import('mjml');
let mjmlModule: Promise<Mjml2Html> | undefined;

/** Loaded on first use and kept: importing mjml costs about a second. */
function loadMjml(): Promise<Mjml2Html> {
  mjmlModule ??= import('mjml').then((m) => m.default);
  return mjmlModule;
}

/**
 * cssnano's default preset (mjml's own default is the "lite" one, which leaves most CSS as written),
 * minus the transforms that email clients handle badly: `initial` keywords and SVG rewriting.
 */
const CSS_MINIFY = { preset: ['default', { reduceInitial: false, svgo: false }] };

async function compileMjml(mjml: string, ref: TemplateRef, allowedUrls: ReadonlySet<string>): Promise<string> {
  const mjml2html = await loadMjml();
  let html: string;
  try {
    const result = await mjml2html(mjml, {
      validationLevel: 'strict',
      minify: true,
      keepComments: false,
      // No web fonts: no request to a font CDN when the mail is opened.
      fonts: {},
      ignoreIncludes: true,
      minifyOptions: { minifyCss: CSS_MINIFY } as never,
    });
    html = result.html;
  } catch (e) {
    throw mjmlTemplateError(e, ref, mjml);
  }
  const problems = findUnsafeHtml(html, allowedUrls);
  if (problems.length > 0) {
    throw GazetteError.fromProblems('TEMPLATE', `${ref.file}: the digest HTML is not fit to send`, problems.map((message) => ({ file: ref.file, message })));
  }
  return html;
}

function templateProblem(ref: TemplateRef, message: string): GazetteError {
  return GazetteError.fromProblems('TEMPLATE', `${ref.file}: ${message}`, [{ file: ref.file, message }]);
}

function lf(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** Readable plain text: no trailing spaces, at most one blank line in a row, one final newline. */
function tidyText(text: string): string {
  const tidy = text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .replace(/\n*$/, '\n');
  return tidy;
}

/** Derived from everything the digest is made of: stable for the same digest, and never found in its own data. */
function nonceFor(data: DigestTemplateData, ...sources: string[]): string {
  const hash = createHash('sha256').update(JSON.stringify(data));
  for (const s of sources) hash.update('\0').update(s);
  return hash.digest('hex').slice(0, 16).toUpperCase();
}
