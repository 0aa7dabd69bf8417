/**
 * Header fields written by hand, for speed, to RFC 5322 / RFC 2047 / RFC 6532-free ASCII: every
 * field is ASCII, folded at 78 columns where it can be, never longer than 998. Names and subjects
 * outside printable ASCII become UTF-8 encoded-words; nothing a subscriber typed (a name with CR,
 * LF or quotes) can start a new header line.
 */
import { domainToASCII } from 'node:url';
import { cleanLine, cleanName } from './clean-text.js';

export interface Mailbox {
  /** Display name, possibly empty. */
  readonly name: string;
  /** ASCII address (an internationalised domain is in its punycode form). */
  readonly address: string;
}

/** Bytes of UTF-8 per encoded-word: 39 bytes → 52 base64 characters → a 64-character word. */
const WORD_BYTES = 39;
const MAX_LINE = 998;
const ATEXT_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;
const PRINTABLE = /^[\x20-\x7e]*$/;
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/;

/** A valid address in ASCII form, or null. Only addresses a plain SMTP server accepts (no SMTPUTF8). */
export function normaliseAddress(text: string): string | null {
  const address = text.trim();
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1 || address.length > 254) return null;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  const ascii = domainToASCII(domain);
  if (!ascii || !/^[A-Za-z0-9.-]+$/.test(ascii) || !ascii.includes('.') || ascii.startsWith('.') || ascii.endsWith('.')) return null;
  return `${local}@${ascii.toLowerCase()}`;
}

/** "Example News <news@example.org>", "<news@example.org>" or "news@example.org"; null when invalid. */
export function parseMailbox(text: string): Mailbox | null {
  const m = /^\s*(.*?)\s*<([^<>]*)>\s*$/s.exec(text);
  const rawName = m ? m[1]! : '';
  const address = normaliseAddress(m ? m[2]! : text);
  if (!address) return null;
  const name = rawName.startsWith('"') && rawName.endsWith('"') && rawName.length >= 2 ? rawName.slice(1, -1).replace(/\\(.)/g, '$1') : rawName;
  return { name: cleanName(name), address };
}

/** `Name <address>` with the name quoted or encoded as needed. */
export function formatMailbox(mailbox: Mailbox): string {
  const name = cleanName(mailbox.name);
  if (!name) return mailbox.address;
  const phrase = encodePhrase(name);
  const lastLine = phrase.slice(phrase.lastIndexOf('\n') + 1);
  // Fold before the address rather than run past 78 columns ("To: " included).
  return lastLine.length + mailbox.address.length + 7 > 78 ? `${phrase}\r\n <${mailbox.address}>` : `${phrase} <${mailbox.address}>`;
}

/** A display name as a phrase: an atom run, a quoted string, or encoded-words (folded with CRLF SP). */
export function encodePhrase(name: string): string {
  if (ATEXT_PHRASE.test(name) && !name.includes('=?') && name.length <= 60) return name;
  if (PRINTABLE.test(name) && !name.includes('=?') && name.length <= 60) return `"${name.replace(/(["\\])/g, '\\$1')}"`;
  return encodedWords(name);
}

/** An unstructured field value (Subject): as it is when plain ASCII, else encoded-words. */
export function encodeUnstructured(text: string): string {
  const line = cleanLine(text);
  if (PRINTABLE.test(line) && !line.includes('=?') && line.split(' ').every((w) => w.length <= 70)) return line;
  return encodedWords(line);
}

/** RFC 2047 "B" words of at most WORD_BYTES bytes each, split between characters, never inside one. */
export function encodedWords(text: string): string {
  const words: string[] = [];
  let chunk: Buffer[] = [];
  let size = 0;
  for (const ch of text) {
    const bytes = Buffer.from(ch, 'utf8');
    if (size + bytes.length > WORD_BYTES && size > 0) {
      words.push(word(Buffer.concat(chunk)));
      chunk = [];
      size = 0;
    }
    chunk.push(bytes);
    size += bytes.length;
  }
  if (size > 0) words.push(word(Buffer.concat(chunk)));
  return words.join('\r\n ');
}

function word(bytes: Buffer): string {
  return `=?UTF-8?B?${bytes.toString('base64')}?=`;
}

/**
 * `Name: value\r\n`, folding plain text at spaces so lines stay within 78 columns where possible.
 * Values that already contain folds (encoded-words) are kept as they are.
 */
export function headerLine(name: string, value: string): string {
  let out: string;
  if (value.includes('\r\n')) {
    out = `${name}: ${value}`;
  } else {
    out = '';
    let line = `${name}:`;
    for (const w of value.split(' ')) {
      if (line.length + 1 + w.length > 78 && line.length > name.length + 1) {
        out += `${line}\r\n`;
        line = ` ${w}`;
      } else {
        line += ` ${w}`;
      }
    }
    out += line;
  }
  for (const l of out.split('\r\n')) {
    if (l.length > MAX_LINE) throw new RangeError(`header ${name} has a line of ${l.length} characters (at most ${MAX_LINE})`);
    if (!PRINTABLE.test(l.replace(/\t/g, ' '))) throw new RangeError(`header ${name} is not printable ASCII`);
  }
  return `${out}\r\n`;
}

/** RFC 5322 date in UTC: "Fri, 20 Nov 2026 09:00:00 +0000". */
export function formatDate(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]}, ${p(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}
