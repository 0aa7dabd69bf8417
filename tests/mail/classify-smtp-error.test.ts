import { describe, expect, it } from 'vitest';
import { classifySmtpError } from '../../src/mail/classify-smtp-error.js';

const smtpError = (fields: Record<string, unknown>): Error => Object.assign(new Error(String(fields.message ?? 'failed')), fields);

describe('classifySmtpError', () => {
  it('5xx to RCPT TO or DATA is permanent; to MAIL FROM, AUTH or EHLO it is not', () => {
    expect(classifySmtpError(smtpError({ responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 unknown user' }))).toEqual({
      ok: false, permanent: true, code: 550, response: '550 5.1.1 unknown user (RCPT TO)',
    });
    expect(classifySmtpError(smtpError({ responseCode: 554, command: 'DATA', response: '554 rejected' })).permanent).toBe(true);
    for (const command of ['MAIL FROM', 'AUTH PLAIN', 'EHLO', 'CONN']) {
      expect(classifySmtpError(smtpError({ responseCode: 553, command, response: '553 no' })).permanent).toBe(false);
    }
  });

  it('4xx anywhere, and faults without a reply, are temporary', () => {
    expect(classifySmtpError(smtpError({ responseCode: 451, command: 'RCPT TO', response: '451 later' }))).toMatchObject({ permanent: false, code: 451 });
    const reset = classifySmtpError(smtpError({ message: 'Connection closed unexpectedly', code: 'ECONNECTION', originalCode: 'ECONNRESET', command: 'CONN' }));
    expect(reset).toEqual({ ok: false, permanent: false, response: 'ECONNRESET: Connection closed unexpectedly' });
    expect(classifySmtpError(smtpError({ message: 'Timeout', code: 'ETIMEDOUT' }))).toEqual({ ok: false, permanent: false, response: 'ETIMEDOUT: Timeout' });
  });

  it('keeps a multi-line reply on one line, and survives things that are not errors', () => {
    const multi = classifySmtpError(smtpError({ responseCode: 550, command: 'DATA', response: '550-first line\r\n550 second\u0000line' }));
    expect(multi.response).toBe('550-first line 550 second line (DATA)');
    expect(classifySmtpError('boom')).toEqual({ ok: false, permanent: false, response: 'boom' });
    expect(classifySmtpError(null)).toMatchObject({ ok: false, permanent: false });
    expect(classifySmtpError(smtpError({ responseCode: 999, command: 'RCPT TO' }))).not.toHaveProperty('code');
  });
});
