/**
 * Turns a failed SMTP attempt (a nodemailer error) into a SendOutcome.
 *
 * Only a 5xx reply about the recipient or the message itself — to RCPT TO, to DATA, or after the
 * end of DATA — is permanent. A 5xx to EHLO, AUTH or MAIL FROM says the *sender* is misconfigured
 * (bad password, unauthorised From): it would fail every recipient alike, so it is reported as
 * temporary and the engine's consecutive-failure pause stops the send instead of marking the whole
 * list as bounced. Everything without a reply code (refused, reset, timed out, dropped) is
 * temporary.
 *
 * One known ambiguity, inherent to SMTP (RFC 1047): a connection lost after the final "." was sent
 * but before the reply arrived may hide a message the server did accept. nodemailer does not say
 * at which point the connection dropped, so such a loss is temporary like any other.
 */
import type { SendOutcome } from './transport.js';

/** SMTP commands whose 5xx reply is about this recipient or this message. */
const RECIPIENT_COMMANDS = new Set(['RCPT TO', 'DATA']);

/** The fields nodemailer puts on its errors that matter here. */
interface SmtpErrorFields {
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
}

export function classifySmtpError(error: unknown): Extract<SendOutcome, { ok: false }> {
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SmtpErrorFields;
  const code = typeof e.responseCode === 'number' && e.responseCode >= 200 && e.responseCode < 600 ? e.responseCode : undefined;
  const command = typeof e.command === 'string' ? e.command : undefined;
  const permanent = code !== undefined && code >= 500 && command !== undefined && RECIPIENT_COMMANDS.has(command);
  return {
    ok: false,
    permanent,
    ...(code !== undefined ? { code } : {}),
    response: describeError(e, command),
  };
}

/** A one-line, secret-free description: the server's reply when there is one, else the fault. */
function describeError(e: SmtpErrorFields, command: string | undefined): string {
  const where = command && command !== 'CONN' && command !== 'API' ? ` (${command})` : '';
  if (typeof e.response === 'string' && e.response.trim()) {
    return oneLine(e.response) + where;
  }
  const sys = typeof e.originalCode === 'string' ? e.originalCode : typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : 'unknown error';
  return oneLine(sys && !message.includes(sys) ? `${sys}: ${message}` : message) + where;
}

function oneLine(text: string): string {
  // Multi-line SMTP replies and stray control characters must not break log lines or the ledger.
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 500);
}
