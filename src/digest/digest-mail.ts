/**
 * The digest as email: the MIME message is built once per digest, with the per-recipient bytes
 * (To, Message-ID, List-Unsubscribe, the name / address / unsubscribe link inside both parts) left
 * as holes; each recipient's raw message is a concatenation of precomputed buffers and a few small
 * encoded values, then DKIM-signed when a key is configured.
 *
 * Message layout: multipart/alternative, text/plain then text/html, both UTF-8 quoted-printable,
 * CRLF line endings, no line over 76 characters in the body or 998 in the header.
 */
import { createHash, createHmac, type Hash } from 'node:crypto';
import { GazetteError } from '../errors.js';
import { unsubscribeUrl, type TokenSecret } from '../tokens/index.js';
import { dkimSignatureField, type DkimKey } from './dkim.js';
import { encodePhrase, encodeUnstructured, formatDate, formatMailbox, headerLine, normaliseAddress, parseMailbox, type Mailbox } from './mime-header.js';
import { personalise, slotValue, type OutputKind, type PersonalDocument, type PersonalValues } from './personal-document.js';
import { encodeQuotedPrintable, SOFT_BREAK } from './quoted-printable.js';
import type { RenderedDigest } from './render-digest.js';

export interface DigestMailOptions {
  /** `email.from`, e.g. "Example News <news@example.org>". */
  readonly from: string;
  /** `email.replyTo`. */
  readonly replyTo?: string;
  /** The token secret (`loadSecret`): unsubscribe links and Message-IDs are derived from it. */
  readonly secret: TokenSecret;
  readonly dkim?: DkimKey | null;
}

export interface DigestRecipient {
  readonly email: string;
  readonly name?: string | null;
}

export interface DigestMessage {
  /** The complete message, CRLF line endings, ready for SMTP DATA or an .eml file. */
  readonly raw: Buffer;
  readonly messageId: string;
  readonly envelope: { readonly from: string; readonly to: string };
  readonly unsubscribeUrl: string;
}

/** One piece of a part's body: static bytes, or a hole for a slot of a document. */
type Piece = Buffer | { readonly slot: number; readonly doc: PersonalDocument; readonly kind: OutputKind };

const SOFT = Buffer.from(SOFT_BREAK, 'ascii');

export class DigestMail {
  readonly digest: RenderedDigest;
  readonly from: Mailbox;
  readonly replyTo: Mailbox | null;
  private readonly secret: TokenSecret;
  private readonly dkim: DkimKey | null;
  private readonly unsubscribeMailbox: string;
  private readonly messageIdDomain: string;
  private readonly messageIdPrefix: string;
  private readonly head1: Buffer;
  private readonly head2: Buffer;
  private readonly head3: Buffer;
  private readonly tail: Buffer;
  private readonly listIdField: [string, string];
  private readonly staticFields: { readonly before: Array<[string, string]>; readonly middle: Array<[string, string]>; readonly after: Array<[string, string]> };
  private readonly body: readonly Piece[];
  /** Hash of the body's bytes up to its first hole, copied per recipient. */
  private readonly bodyPrefixHash: Hash;
  private readonly bodyPrefixLength: number;

  constructor(digest: RenderedDigest, options: DigestMailOptions) {
    this.digest = digest;
    const from = parseMailbox(options.from);
    if (!from) throw new GazetteError('CONFIG', `email.from: "${options.from}" is not an address such as "Example News <news@example.org>"`);
    this.from = from;
    const replyTo = options.replyTo ? parseMailbox(options.replyTo) : null;
    if (options.replyTo && !replyTo) throw new GazetteError('CONFIG', `email.replyTo: "${options.replyTo}" is not an email address`);
    this.replyTo = replyTo;
    this.secret = options.secret;
    this.dkim = options.dkim ?? null;
    this.unsubscribeMailbox = (replyTo ?? from).address;
    this.messageIdDomain = from.address.slice(from.address.lastIndexOf('@') + 1);
    // Dots could pair up into an invalid dot-atom; the hash part keeps ids unique regardless.
    this.messageIdPrefix = digest.id.replace(/[^A-Za-z0-9_-]/g, '-');

    const boundary = `=_gz_${createHash('sha256').update(`${digest.id}\0${digest.createdAt.toISOString()}`).digest('hex').slice(0, 24)}`;
    const listHost = new URL(digest.siteUrl).host.replace(/[^A-Za-z0-9.-]/g, '');
    const before: Array<[string, string]> = [['From', formatMailbox(from)]];
    if (replyTo) before.push(['Reply-To', formatMailbox(replyTo)]);
    const middle: Array<[string, string]> = [
      ['Subject', encodeUnstructured(digest.subject)],
      ['Date', formatDate(digest.createdAt)],
    ];
    const after: Array<[string, string]> = [
      ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
      ['MIME-Version', '1.0'],
      ['Content-Type', `multipart/alternative; boundary="${boundary}"`],
    ];
    this.staticFields = { before, middle, after };
    this.listIdField = ['List-Id', `${encodePhrase(digest.siteTitle)} <digest.${listHost}>`];
    // Field order: From, Reply-To, To*, Subject, Date, Message-ID*, List-Id, List-Unsubscribe*, the rest
    // (* per recipient).
    this.head1 = ascii(before.map(([n, v]) => headerLine(n, v)).join(''));
    this.head2 = ascii(middle.map(([n, v]) => headerLine(n, v)).join(''));
    this.head3 = ascii(headerLine(...this.listIdField));
    this.tail = ascii(`${after.map(([n, v]) => headerLine(n, v)).join('')}\r\n`);

    this.body = [
      ...part(boundary, 'text/plain', digest.text, 'text'),
      ...part(boundary, 'text/html', digest.html, 'html'),
      ascii(`--${boundary}--\r\n`),
    ];
    // Everything up to the first hole hashes the same for every recipient.
    this.bodyPrefixHash = createHash('sha256');
    let prefixLength = 0;
    for (const piece of this.body) {
      if (!Buffer.isBuffer(piece)) break;
      this.bodyPrefixHash.update(piece);
      prefixLength++;
    }
    this.bodyPrefixLength = prefixLength;
  }

  /** The recipient's raw message. Throws GazetteError('MAIL') for an address that cannot be written. */
  messageFor(recipient: DigestRecipient): DigestMessage {
    const address = normaliseAddress(recipient.email);
    if (!address) throw new GazetteError('MAIL', `${JSON.stringify(recipient.email)}: not a deliverable email address`);
    const subscriber = recipient.email.trim();
    const unsubscribe = unsubscribeUrl(this.digest.siteUrl, this.secret, subscriber);
    const token = unsubscribe.slice(unsubscribe.indexOf('?token=') + 7);
    const values: PersonalValues = { unsubscribeUrl: unsubscribe, email: address, name: recipient.name ?? null };

    const to = formatMailbox({ name: recipient.name ?? '', address });
    const messageId = `<${this.messageIdPrefix}.${this.subscriberHash(address)}@${this.messageIdDomain}>`;
    const listUnsubscribe = `<${unsubscribe}>,\r\n <mailto:${this.unsubscribeMailbox}?subject=unsubscribe%20${token}>`;

    const bodyParts: Buffer[] = [];
    for (const piece of this.body) {
      if (Buffer.isBuffer(piece)) bodyParts.push(piece);
      else bodyParts.push(SOFT, ascii(encodeQuotedPrintable(slotValue(piece.doc.slots[piece.slot]!, values, piece.kind))), SOFT);
    }

    const headParts: Buffer[] = [
      this.head1,
      ascii(headerLine('To', to)),
      this.head2,
      ascii(headerLine('Message-ID', messageId)),
      this.head3,
      ascii(headerLine('List-Unsubscribe', listUnsubscribe)),
      this.tail,
    ];
    if (this.dkim) {
      const bh = this.hashBody(bodyParts);
      const { before, middle, after } = this.staticFields;
      const fields: Array<readonly [string, string]> = [
        ...before,
        ['To', to],
        ...middle,
        ['Message-ID', messageId],
        this.listIdField,
        ['List-Unsubscribe', listUnsubscribe],
        ...after,
      ];
      headParts.unshift(ascii(dkimSignatureField(this.dkim, fields, bh)));
    }
    return {
      raw: Buffer.concat([...headParts, ...bodyParts]),
      messageId,
      envelope: { from: this.from.address, to: address },
      unsubscribeUrl: unsubscribe,
    };
  }

  /** The recipient's HTML and text, as a mail client shows them (previews, tests). */
  htmlFor(recipient: DigestRecipient): string {
    return personalise(this.digest.html, this.valuesFor(recipient), 'html');
  }

  textFor(recipient: DigestRecipient): string {
    return personalise(this.digest.text, this.valuesFor(recipient), 'text');
  }

  private valuesFor(recipient: DigestRecipient): PersonalValues {
    const address = normaliseAddress(recipient.email) ?? recipient.email.trim();
    return { unsubscribeUrl: unsubscribeUrl(this.digest.siteUrl, this.secret, recipient.email.trim()), email: address, name: recipient.name ?? null };
  }

  /** Stable per digest and address, and meaningless without the secret (no address can be read back). */
  private subscriberHash(address: string): string {
    return createHmac('sha256', this.secret).update(`message-id\0${this.digest.id}\0${address.toLowerCase()}`).digest('hex').slice(0, 24);
  }

  private hashBody(bodyParts: readonly Buffer[]): string {
    const hash = this.bodyPrefixHash.copy();
    for (let i = this.bodyPrefixLength; i < bodyParts.length; i++) hash.update(bodyParts[i]!);
    return hash.digest('base64');
  }
}

export function composeDigestMail(digest: RenderedDigest, options: DigestMailOptions): DigestMail {
  return new DigestMail(digest, options);
}

/** One MIME part: its header, then static QP segments with holes between them. */
function part(boundary: string, type: string, doc: PersonalDocument, kind: OutputKind): Piece[] {
  const pieces: Piece[] = [
    ascii(`--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`),
  ];
  doc.segments.forEach((segment, i) => {
    if (i > 0) pieces.push({ slot: i - 1, doc, kind });
    pieces.push(ascii(encodeQuotedPrintable(segment)));
  });
  // The CRLF before the next boundary belongs to the boundary, not to the content.
  pieces.push(ascii('\r\n'));
  return pieces;
}

function ascii(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}
