/**
 * The check both transports make on envelope addresses before using them. It is deliberately
 * loose about what a mailbox may look like (quoted local parts, Unicode for SMTPUTF8) and strict
 * about what could corrupt an SMTP command or a file name: whitespace, control characters, angle
 * brackets, a missing "@".
 */

const MAX_LENGTH = 254;

export function isEnvelopeAddress(address: string): boolean {
  if (address.length === 0 || address.length > MAX_LENGTH) return false;
  if (/[\s<>\u0000-\u001f\u007f\u2028\u2029]/u.test(address)) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return false;
  const domain = address.slice(at + 1);
  return !domain.startsWith('.') && !domain.endsWith('.') && !domain.includes('..');
}
