/**
 * Email addresses of subscribers: parse, validate and normalise one bare address (an RFC 5322
 * addr-spec, with RFC 6531 UTF-8), and derive the key that makes an address unique.
 *
 * Accepted: `local@domain` where local is a dot-atom or a quoted string, and domain is a host name
 * of at least two labels (IDN allowed) or an address literal (`[192.0.2.1]`, `[IPv6:…]`).
 * Refused: display names (`Name <a@b>`), comments, obsolete syntax, control characters (so never CR
 * or LF: no header injection), invisible formatting characters, and anything over the SMTP limits
 * (64 octets of local part, 254 of address).
 *
 * Normal form: trimmed, Unicode NFC, domain lowercased, local part kept as written (some servers
 * do treat it case-sensitively, so we send to what the person typed).
 * Key: local part lowercased too, domain in ASCII (punycode). Two addresses with the same key are
 * the same subscriber: nearly every mail system ignores local-part case, and treating
 * `Ann@x.org` and `ann@x.org` as two people would mean two copies of every digest.
 * Provider tricks (Gmail dots, `+tags`) are not folded: those are different addresses.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { GazetteError } from '../errors.js';

export interface EmailAddress {
  /** Normal form, for display and for sending. */
  readonly email: string;
  /** Uniqueness key. */
  readonly key: string;
}

export type EmailParseResult = ({ readonly ok: true } & EmailAddress) | { readonly ok: false; readonly reason: string };

const MAX_LOCAL_OCTETS = 64;
const MAX_ADDRESS_OCTETS = 254;
const MAX_DOMAIN_OCTETS = 253;

/** RFC 5322 atext, plus any non-ASCII character that is visible (RFC 6532 UTF8-non-ascii). */
const ATEXT_ASCII = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]$/;
/** Control, format (zero-width, bidi), surrogate, private-use, unassigned; and separators. */
const INVISIBLE = /[\p{C}\p{Z}]/u;
const REPLACEMENT_CHAR = '\uFFFD';

function isAtext(ch: string): boolean {
  if (ch.length === 1 && ch.charCodeAt(0) < 0x80) return ATEXT_ASCII.test(ch);
  return !INVISIBLE.test(ch);
}

function octets(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function fail(reason: string): EmailParseResult {
  return { ok: false, reason };
}

/** A dot-atom: atext runs separated by single dots, no dot first or last. */
function checkDotAtom(local: string): string | undefined {
  if (local.startsWith('.') || local.endsWith('.')) return 'the part before "@" may not start or end with a dot';
  if (local.includes('..')) return 'the part before "@" may not contain two dots in a row';
  for (const ch of local) {
    if (ch === '.') continue;
    if (!isAtext(ch)) return `the character ${describeChar(ch)} is not allowed before "@" unless the local part is quoted`;
  }
  return undefined;
}

/** A quoted string: `"` … `"` with `\x` escapes; no control characters, no line breaks. */
function checkQuoted(local: string): string | undefined {
  const inner = local.slice(1, -1);
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch === '\\') {
      const next = inner[i + 1];
      if (next === undefined) return 'the quoted local part ends with a lone backslash';
      if (/[\p{Cc}]/u.test(next) && next !== '\t') return `the character ${describeChar(next)} is not allowed`;
      i++;
      continue;
    }
    if (ch === '"') return 'a quote inside the quoted local part must be escaped as \\"';
    if (ch === ' ' || ch === '\t') continue;
    if (/[\p{C}]/u.test(ch)) return `the character ${describeChar(ch)} is not allowed`;
  }
  return undefined;
}

/** Split at the "@" that ends the local part (a quoted local part may itself contain "@"). */
function splitAddress(text: string): [string, string] | undefined {
  if (text.startsWith('"')) {
    for (let i = 1; i < text.length; i++) {
      if (text[i] === '\\') {
        i++;
        continue;
      }
      if (text[i] === '"') return text[i + 1] === '@' ? [text.slice(0, i + 1), text.slice(i + 2)] : undefined;
    }
    return undefined;
  }
  const at = text.lastIndexOf('@');
  return at < 0 ? undefined : [text.slice(0, at), text.slice(at + 1)];
}

/** Domain → [display form, ASCII form], or a reason. */
function parseDomain(domain: string): [string, string] | string {
  if (domain === '') return 'nothing after "@"';
  if (domain.startsWith('[')) {
    if (!domain.endsWith(']')) return 'an address literal must end with "]"';
    const literal = domain.slice(1, -1);
    if (isIPv4(literal)) return [domain, domain];
    if (/^ipv6:/i.test(literal) && isIPv6(literal.slice(5))) {
      const lowered = `[IPv6:${literal.slice(5).toLowerCase()}]`;
      return [lowered, lowered];
    }
    return `"${domain}" is not an IPv4 or [IPv6:…] address literal`;
  }
  if (INVISIBLE.test(domain)) return 'the domain contains a space or an invisible character';
  if (domain.endsWith('.')) return 'the domain may not end with a dot';
  if (/(^|\.)[0-9]+$/.test(domain)) return `"${domain}" ends in a number: not a domain name`;
  // WHATWG's domainToASCII does IDNA (UTS 46) mapping and validation; '' means invalid.
  const ascii = domainToASCII(domain);
  if (ascii === '') return `"${domain}" is not a valid domain name`;
  if (octets(ascii) > MAX_DOMAIN_OCTETS) return 'the domain is longer than 253 characters';
  const labels = ascii.split('.');
  if (labels.length < 2) return `"${domain}" has no dot: a public domain such as example.org is needed`;
  for (const label of labels) {
    if (label.length === 0) return 'the domain contains an empty label ("..")';
    if (label.length > 63) return 'a part of the domain is longer than 63 characters';
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(label)) {
      return `"${domain}" is not a valid domain name (letters, digits and inner hyphens only)`;
    }
  }
  return [domain.toLowerCase(), ascii];
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return /[\p{C}\p{Z}]/u.test(ch) ? hex : `"${ch}" (${hex})`;
}

/** Parse one bare address. Never throws. */
export function parseEmailAddress(input: string): EmailParseResult {
  const text = input.trim().normalize('NFC');
  if (text === '') return fail('the address is empty');
  if (/[\r\n]/.test(text)) return fail('the address contains a line break');
  if (text.includes(REPLACEMENT_CHAR)) return fail('the address contains U+FFFD: the text was not valid UTF-8');
  if (/<[^>]*>/.test(text) || text.startsWith('<')) {
    return fail('give the bare address (a@example.org), not a display name with <…>');
  }
  if (/^mailto:/i.test(text)) return fail('give the bare address, without "mailto:"');
  const parts = splitAddress(text);
  if (!parts) return fail(text.includes('@') ? 'the quoted local part is not closed before "@"' : 'there is no "@"');
  const [local, rawDomain] = parts;
  if (local === '') return fail('nothing before "@"');
  const localProblem = local.startsWith('"') ? checkQuoted(local) : checkDotAtom(local);
  if (localProblem) return fail(localProblem);
  if (octets(local) > MAX_LOCAL_OCTETS) return fail('the part before "@" is longer than 64 octets');
  const domain = parseDomain(rawDomain);
  if (typeof domain === 'string') return fail(domain);
  const [displayDomain, asciiDomain] = domain;
  const email = `${local}@${displayDomain}`;
  if (octets(email) > MAX_ADDRESS_OCTETS || octets(`${local}@${asciiDomain}`) > MAX_ADDRESS_OCTETS) {
    return fail('the address is longer than 254 octets');
  }
  return { ok: true, email, key: `${local.toLowerCase()}@${asciiDomain}` };
}

/** The quoted form used in messages: JSON shows control characters instead of printing them. */
export function quoteAddress(input: string): string {
  return JSON.stringify(input.length > 120 ? `${input.slice(0, 120)}…` : input);
}

/** Parse or throw a GazetteError that names the address and says what is wrong with it. */
export function normalizeEmail(input: string): EmailAddress {
  const result = parseEmailAddress(input);
  if (!result.ok) throw new GazetteError('USAGE', `Invalid email address ${quoteAddress(input)}: ${result.reason}.`);
  return { email: result.email, key: result.key };
}
