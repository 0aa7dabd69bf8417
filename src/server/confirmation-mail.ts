/**
 * The double opt-in message: short, plain text, one link, no marketing — it goes to an address
 * nobody has confirmed yet, so it must read as what it is and nothing more. Built as one complete
 * RFC 5322 message with nodemailer's MailComposer (the transport sends it byte for byte).
 *
 * Header safety: every value that reaches a header (name, site title, addresses from the config)
 * is reduced to one line first, and MailComposer encodes what is left; the recipient's address
 * has already passed `parseEmailAddress`, which refuses CR and LF.
 */
import { randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { GazetteError } from '../errors.js';

export interface ConfirmationMailInput {
  readonly siteTitle: string;
  readonly siteUrl: string;
  /** `email.from` from the config, with or without a display name. */
  readonly from: string;
  readonly replyTo?: string;
  readonly postalAddress: string;
  readonly to: { readonly email: string; readonly name: string | null };
  /** The confirm link (tokens/confirmUrl). */
  readonly link: string;
  readonly validHours: number;
  readonly now: Date;
}

export interface ConfirmationMail {
  readonly raw: Buffer;
  /** With angle brackets. */
  readonly messageId: string;
  /** The bare sender address, for MAIL FROM. */
  readonly envelopeFrom: string;
  readonly subject: string;
  readonly text: string;
}

export async function buildConfirmationMail(input: ConfirmationMailInput): Promise<ConfirmationMail> {
  const envelopeFrom = bareAddress(input.from, 'email.from');
  const title = oneLine(input.siteTitle);
  const name = input.to.name ? oneLine(input.to.name) : '';
  const subject = `Confirm your subscription to ${title}`;
  const messageId = `<${randomUUID()}@${domainOf(envelopeFrom)}>`;
  const text = confirmationText({ ...input, siteTitle: title, to: { email: input.to.email, name } });
  const composer = new MailComposer({
    from: oneLine(input.from),
    ...(input.replyTo ? { replyTo: oneLine(input.replyTo) } : {}),
    to: name ? { name, address: input.to.email } : input.to.email,
    subject,
    text,
    messageId,
    date: input.now,
    headers: {
      // RFC 3834: sent by software in answer to a form, so auto-responders stay quiet.
      'Auto-Submitted': 'auto-generated',
    },
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = await new Promise<Buffer>((resolve, reject) => {
    composer.compile().build((err, message) => (err ? reject(err) : resolve(message)));
  });
  return { raw, messageId, envelopeFrom, subject, text };
}

function confirmationText(input: ConfirmationMailInput): string {
  const greeting = input.to.name ? `Hello ${input.to.name},` : 'Hello,';
  return [
    greeting,
    '',
    `Someone (hopefully you) asked to receive ${input.siteTitle} by email`,
    `at ${input.to.email}. To confirm, open this link:`,
    '',
    input.link,
    '',
    `The link works for ${input.validHours} hours. If you did not ask for this, just`,
    'ignore this message: the address will not be subscribed, and you will',
    'not hear from us again.',
    '',
    '-- ',
    `${input.siteTitle} <${input.siteUrl}>`,
    oneLine(input.postalAddress),
    '',
  ].join('\n');
}

/** C0/C1 controls and line separators become spaces; runs of white space collapse. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function bareAddress(from: string, key: string): string {
  const parsed = addressparser(oneLine(from), { flatten: true });
  const address = parsed[0]?.address;
  if (!address || !address.includes('@')) {
    throw new GazetteError('CONFIG', `${key}: "${from}" has no email address (expected "Name <news@example.org>" or "news@example.org")`);
  }
  return address;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).replace(/[^A-Za-z0-9.-]/g, '') || 'localhost';
}
