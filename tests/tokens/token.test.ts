import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CONFIRM_TOKEN_TTL_MS, confirmUrl, signToken, unsubscribeUrl, verifyToken } from '../../src/tokens/index.js';

const SECRET = 'a-test-secret-of-enough-length-0123456789';
const NOW = new Date('2026-11-20T09:00:00Z');

describe('signed tokens', () => {
  it('round-trips an unsubscribe token, URL-safe, with no expiry', () => {
    const token = signToken(SECRET, { purpose: 'unsubscribe', subscriber: 'zoë@example.org' });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(verifyToken(SECRET, token, 'unsubscribe', NOW)).toEqual({ purpose: 'unsubscribe', subscriber: 'zoë@example.org' });
    // Links in a ten-year-old email still work.
    expect(verifyToken(SECRET, token, 'unsubscribe', new Date('2036-11-20T09:00:00Z'))?.subscriber).toBe('zoë@example.org');
  });

  it('refuses to make an expiring unsubscribe token or a confirm token that never expires', () => {
    expect(() => signToken(SECRET, { purpose: 'unsubscribe', subscriber: 'a@example.org', expiresAt: NOW })).toThrow(/never expire/);
    expect(() => signToken(SECRET, { purpose: 'confirm', subscriber: 'a@example.org' })).toThrow(/must expire/);
  });

  it('expires confirm tokens after 48 hours', () => {
    const url = confirmUrl('https://news.example.org/', SECRET, 'a@example.org', NOW);
    expect(url).toMatch(/^https:\/\/news\.example\.org\/api\/confirm\?token=[A-Za-z0-9_.-]+$/);
    const token = new URL(url).searchParams.get('token')!;
    const justBefore = new Date(NOW.getTime() + CONFIRM_TOKEN_TTL_MS - 1000);
    const at = new Date(NOW.getTime() + CONFIRM_TOKEN_TTL_MS);
    expect(CONFIRM_TOKEN_TTL_MS).toBe(48 * 3600_000);
    expect(verifyToken(SECRET, token, 'confirm', justBefore)?.subscriber).toBe('a@example.org');
    expect(verifyToken(SECRET, token, 'confirm', at)).toBeNull();
  });

  it('rejects a token used for another purpose', () => {
    const token = signToken(SECRET, { purpose: 'view', subscriber: 'a@example.org' });
    expect(verifyToken(SECRET, token, 'unsubscribe', NOW)).toBeNull();
    expect(verifyToken(SECRET, token, 'view', NOW)?.purpose).toBe('view');
  });

  it('rejects a token signed with another secret', () => {
    const token = signToken(SECRET, { purpose: 'unsubscribe', subscriber: 'a@example.org' });
    expect(verifyToken(`${SECRET}x`, token, 'unsubscribe', NOW)).toBeNull();
  });

  it('rejects every single-character change to a token', () => {
    const token = signToken(SECRET, { purpose: 'unsubscribe', subscriber: 'a@example.org' });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let tried = 0;
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const replacement = alphabet[(alphabet.indexOf(token[i]!) + 17) % alphabet.length]!;
      const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
      // base64url's last character may carry unused bits; a change there can decode to the same bytes.
      const same = Buffer.from(tampered.split('.')[1]!, 'base64url').equals(Buffer.from(token.split('.')[1]!, 'base64url')) &&
        Buffer.from(tampered.split('.')[0]!, 'base64url').equals(Buffer.from(token.split('.')[0]!, 'base64url'));
      if (same) continue;
      tried++;
      expect(verifyToken(SECRET, tampered, 'unsubscribe', NOW)).toBeNull();
    }
    expect(tried).toBeGreaterThan(60);
  });

  it('rejects a payload swapped in with the old signature (another subscriber)', () => {
    const mine = signToken(SECRET, { purpose: 'unsubscribe', subscriber: 'me@example.org' });
    const theirs = Buffer.from(JSON.stringify({ p: 'unsubscribe', s: 'victim@example.org' })).toString('base64url');
    expect(verifyToken(SECRET, `${theirs}.${mine.split('.')[1]}`, 'unsubscribe', NOW)).toBeNull();
  });

  it('never throws on hostile input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{0,80}\.[A-Za-z0-9_-]{0,80}$/), fc.anything()), (input) => {
        expect(verifyToken(SECRET, input, 'unsubscribe', NOW)).toBeNull();
      }),
      { numRuns: 2000 },
    );
    expect(verifyToken(SECRET, 'x'.repeat(100_000), 'unsubscribe', NOW)).toBeNull();
    expect(verifyToken(SECRET, '', 'unsubscribe', NOW)).toBeNull();
  });

  it('refuses a secret too short to protect anything', () => {
    expect(() => signToken('short', { purpose: 'view', subscriber: 'a@example.org' })).toThrow(/too short/);
  });

  it('makes unsubscribe links under the site URL, also for a site in a sub-folder', () => {
    const url = unsubscribeUrl('https://example.org/news/', SECRET, 'a@example.org');
    expect(url).toMatch(/^https:\/\/example\.org\/news\/api\/unsubscribe\?token=/);
    const token = new URL(url).searchParams.get('token')!;
    expect(verifyToken(SECRET, token, 'unsubscribe', NOW)?.subscriber).toBe('a@example.org');
  });
});
