/**
 * A document compiled once per digest, with holes for what differs per recipient. MJML and Liquid
 * run once; each recipient then costs one join of precomputed segments.
 *
 * Placeholders carry a per-digest nonce derived from the digest's content, so text that merely looks
 * like a placeholder (an article titled "%%GZ…%%") is never mistaken for one, and the same digest
 * always compiles to the same document.
 */
import { liquidjs } from '../render/liquidjs.js';
import { cleanName } from './clean-text.js';

export type SlotKind = 'unsubscribe_url' | 'email' | 'name';

export interface Slot {
  readonly kind: SlotKind;
  /** For `name`: what to show when the subscriber has no name (from `| default: "…"`). */
  readonly fallback: string;
}

/** `segments.length === slots.length + 1`; the document is s0 v0 s1 v1 … sN. */
export interface PersonalDocument {
  readonly segments: readonly string[];
  readonly slots: readonly Slot[];
}

export interface PersonalValues {
  readonly unsubscribeUrl: string;
  readonly email: string;
  readonly name?: string | null;
}

export type OutputKind = 'html' | 'text';

/** What a template sees as `recipient.name`: prints a placeholder; `| default: "x"` picks the fallback. */
export class RecipientNameDrop extends liquidjs.Drop {
  constructor(private readonly placeholders: Placeholders) {
    super();
  }
  withFallback(fallback: string): string {
    return this.placeholders.name(fallback);
  }
  override valueOf(): string {
    return this.placeholders.name('');
  }
  override toString(): string {
    return this.valueOf();
  }
}

/** The placeholders of one digest. Nonce: upper-case hex, so HTML escaping and minifiers leave it alone. */
export class Placeholders {
  private readonly fallbacks: string[] = [];
  readonly unsubscribeUrl: string;
  readonly email: string;
  private readonly pattern: RegExp;

  constructor(readonly nonce: string) {
    if (!/^[0-9A-F]{8,32}$/.test(nonce)) throw new RangeError(`bad placeholder nonce: ${nonce}`);
    this.unsubscribeUrl = `%%GZ${nonce}U%%`;
    this.email = `%%GZ${nonce}E%%`;
    this.pattern = new RegExp(`%%GZ${nonce}(U|E|N(\\d+))%%`, 'g');
  }

  name(fallback: string): string {
    const clean = cleanName(fallback);
    let i = this.fallbacks.indexOf(clean);
    if (i < 0) i = this.fallbacks.push(clean) - 1;
    return `%%GZ${this.nonce}N${i}%%`;
  }

  /** What a template sees as `recipient` in a personal document. */
  recipient(): { name: RecipientNameDrop; unsubscribe_url: string; email: string } {
    return { name: new RecipientNameDrop(this), unsubscribe_url: this.unsubscribeUrl, email: this.email };
  }

  /**
   * Cuts a compiled document at its placeholders. Null when a placeholder was mangled on the way
   * (a filter such as `downcase` applied to it): the caller reports the template error.
   */
  split(document: string): PersonalDocument | null {
    const segments: string[] = [];
    const slots: Slot[] = [];
    let last = 0;
    for (const m of document.matchAll(this.pattern)) {
      segments.push(document.slice(last, m.index));
      if (m[1] === 'U') slots.push({ kind: 'unsubscribe_url', fallback: '' });
      else if (m[1] === 'E') slots.push({ kind: 'email', fallback: '' });
      else slots.push({ kind: 'name', fallback: this.fallbacks[Number(m[2])] ?? '' });
      last = m.index + m[0].length;
    }
    segments.push(document.slice(last));
    const leftover = new RegExp(`GZ${this.nonce}`, 'i');
    return segments.some((s) => leftover.test(s)) ? null : { segments, slots };
  }
}

/** The value for one slot, escaped for where it lands. */
export function slotValue(slot: Slot, values: PersonalValues, kind: OutputKind): string {
  let value: string;
  switch (slot.kind) {
    case 'unsubscribe_url':
      value = values.unsubscribeUrl;
      break;
    case 'email':
      value = values.email;
      break;
    case 'name':
      value = cleanName(values.name) || slot.fallback;
      break;
  }
  return kind === 'html' ? escapeHtml(value) : value;
}

/** The recipient's copy of a document: a join, nothing more. */
export function personalise(doc: PersonalDocument, values: PersonalValues, kind: OutputKind): string {
  const { segments, slots } = doc;
  let out = segments[0] ?? '';
  for (let i = 0; i < slots.length; i++) out += slotValue(slots[i]!, values, kind) + segments[i + 1]!;
  return out;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/** Safe in element content and in quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
