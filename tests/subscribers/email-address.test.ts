import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import { normalizeEmail, parseEmailAddress } from '../../src/subscribers/email-address.js';

describe('parseEmailAddress', () => {
  it.each([
    ['ann@example.org', 'ann@example.org', 'ann@example.org'],
    ['  Ann.Lee@Example.ORG\t', 'Ann.Lee@example.org', 'ann.lee@example.org'],
    ['first+news@sub.example.co.uk', 'first+news@sub.example.co.uk', 'first+news@sub.example.co.uk'],
    ["o'brien@example.ie", "o'brien@example.ie", "o'brien@example.ie"],
    ['x!#$%&*+/=?^_`{|}~-@example.org', 'x!#$%&*+/=?^_`{|}~-@example.org', 'x!#$%&*+/=?^_`{|}~-@example.org'],
    ['"John Doe"@example.org', '"John Doe"@example.org', '"john doe"@example.org'],
    ['"a@b"@example.org', '"a@b"@example.org', '"a@b"@example.org'],
    ['"quote\\"inside"@example.org', '"quote\\"inside"@example.org', '"quote\\"inside"@example.org'],
    ['josé@example.org', 'josé@example.org', 'josé@example.org'],
    ['user@Bücher.DE', 'user@bücher.de', 'user@xn--bcher-kva.de'],
    ['user@xn--bcher-kva.de', 'user@xn--bcher-kva.de', 'user@xn--bcher-kva.de'],
    ['用户@例子.广告', '用户@例子.广告', '用户@xn--fsqu00a.xn--4rr70v'],
    ['a@[192.0.2.1]', 'a@[192.0.2.1]', 'a@[192.0.2.1]'],
    ['a@[IPv6:2001:DB8::1]', 'a@[IPv6:2001:db8::1]', 'a@[IPv6:2001:db8::1]'],
    // NFC: a decomposed "é" is the same address as the composed one.
    ['jose\u0301@example.org', 'josé@example.org', 'josé@example.org'],
  ])('accepts %j as %j (key %j)', (input, email, key) => {
    expect(parseEmailAddress(input)).toEqual({ ok: true, email, key });
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['ann.example.org', /no "@"/],
    ['@example.org', /nothing before "@"/],
    ['ann@', /nothing after "@"/],
    ['ann@localhost', /no dot/],
    ['ann@example', /no dot/],
    ['ann@example.123', /ends in a number/],
    ['ann@exa mple.org', /space or an invisible character/],
    ['ann@-example.org', /not a valid domain/],
    ['ann@example..org', /empty label|not a valid domain/],
    ['ann@example.org.', /may not end with a dot/],
    ['ann@exam_ple.org', /not a valid domain/],
    ['.ann@example.org', /start or end with a dot/],
    ['ann.@example.org', /start or end with a dot/],
    ['an..n@example.org', /two dots in a row/],
    ['ann smith@example.org', /U\+0020 is not allowed/],
    ['ann,smith@example.org', /"," \(U\+002C\) is not allowed/],
    ['a(comment)@example.org', /"\(" \(U\+0028\) is not allowed/],
    ['Ann <ann@example.org>', /bare address/],
    ['<ann@example.org>', /bare address/],
    ['mailto:ann@example.org', /mailto/],
    ['ann@example.org\r\nBcc: all@example.net', /line break/],
    ['ann@example.org\nx', /line break/],
    ['ann\u0000@example.org', /U\+0000 is not allowed/],
    ['ann\u200B@example.org', /U\+200B is not allowed/],
    ['a\uFFFDb@example.org', /not valid UTF-8/],
    ['"unclosed@example.org', /not closed/],
    ['"a"b@example.org', /not closed/],
    ['"a\u0007"@example.org', /U\+0007 is not allowed/],
    [`${'a'.repeat(65)}@example.org`, /longer than 64 octets/],
    [`${'é'.repeat(33)}@example.org`, /longer than 64 octets/],
    [`a@${'b'.repeat(64)}.org`, /longer than 63/],
    [`${'a'.repeat(60)}@${Array.from({ length: 4 }, () => 'c'.repeat(60)).join('.')}.org`, /longer than 25[34]/],
    ['a@[300.1.1.1]', /address literal/],
    ['a@[IPv6:zz::1]', /address literal/],
  ])('rejects %j', (input, reason) => {
    const result = parseEmailAddress(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('gives a normal form that parses to itself and never contains a line break or control character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 20 }), (local, domain) => {
        const result = parseEmailAddress(`${local}@${domain}`);
        if (!result.ok) return;
        expect(result.email).not.toMatch(/[\r\n\u0000-\u0008\u000b-\u001f\u007f]/);
        const again = parseEmailAddress(result.email);
        expect(again).toEqual(result);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('normalizeEmail', () => {
  it('throws a GazetteError that names the address, with control characters shown escaped', () => {
    try {
      normalizeEmail('bad\r\naddress');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GazetteError);
      expect((error as GazetteError).code).toBe('USAGE');
      expect((error as GazetteError).message).toBe('Invalid email address "bad\\r\\naddress": the address contains a line break.');
    }
  });
});
