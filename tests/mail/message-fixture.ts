/**
 * Builds small, complete RFC 5322 messages for transport and engine tests: fixed date, CRLF,
 * UTF-8 in an encoded subject and an 8-bit body, and the lines that trip SMTP up (a lone ".",
 * lines starting with a dot).
 */
export interface FixtureMessage {
  readonly from: string;
  readonly to: string;
  readonly raw: string;
  readonly messageId: string;
}

export interface FixtureOptions {
  readonly to: string;
  readonly from?: string;
  readonly subject?: string;
  /** Extra body text, e.g. padding for size tests. */
  readonly body?: string;
  readonly id?: string;
}

export function fixtureMessage(options: FixtureOptions): FixtureMessage {
  const from = options.from ?? 'news@example.org';
  const id = options.id ?? options.to.replace(/[^a-z0-9]/gi, '.');
  const messageId = `<${id}@digest.example.org>`;
  const subject = options.subject ?? `Example News: Grüße für ${options.to}`;
  const lines = [
    `From: Example News <${from}>`,
    `To: ${options.to}`,
    `Subject: =?UTF-8?B?${Buffer.from(subject, 'utf8').toString('base64')}?=`,
    `Message-ID: ${messageId}`,
    'Date: Fri, 20 Nov 2026 08:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `Hello ${options.to},`,
    '.',
    '.leading dot, and a lone dot above: SMTP must stuff and unstuff them',
    'Ünïcödé ✓ 日本語 🚀',
    ...(options.body ? options.body.split('\n') : []),
    '',
  ];
  return { from, to: options.to, raw: lines.join('\r\n'), messageId };
}

/** `count` distinct lowercase recipients: r0001@example.net, r0002@example.net, … */
export function recipients(count: number, domain = 'example.net'): string[] {
  return Array.from({ length: count }, (_, i) => `r${String(i + 1).padStart(4, '0')}@${domain}`);
}
