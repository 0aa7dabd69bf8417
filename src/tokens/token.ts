/**
 * Signed tokens for links in emails and on the site: `<payload>.<mac>`, both base64url, so a token
 * is safe in a query string without further encoding. The payload is compact JSON; the MAC is
 * HMAC-SHA256 over a versioned prefix and the encoded payload, so a token made for one purpose can
 * never be replayed for another (the purpose is inside the signed payload) and a change to the
 * format cannot be confused with an old token.
 *
 * Pure: no clock (callers pass `now`), no disk.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'unsubscribe' | 'confirm' | 'view';

export interface TokenPayload {
  readonly purpose: TokenPurpose;
  /** Whom the token speaks for: the subscriber's email address (or the store's id for them). */
  readonly subscriber: string;
  /** Absent means the token never expires. Kept to whole seconds. */
  readonly expiresAt?: Date;
}

/** A token secret: raw bytes (from `loadSecret`) or text (tests, GAZETTE_SECRET). */
export type TokenSecret = Uint8Array | string;

/** Confirmation links stay valid for two days, long enough for a slow inbox, short enough to age out. */
export const CONFIRM_TOKEN_TTL_MS = 48 * 3600 * 1000;
/** The same lifetime in whole hours, as pages and mails tell it. */
export const CONFIRM_TOKEN_TTL_HOURS = Math.round(CONFIRM_TOKEN_TTL_MS / 3_600_000);

const PURPOSES: readonly TokenPurpose[] = ['unsubscribe', 'confirm', 'view'];
const MAC_PREFIX = 'gazette-token-v1:';
const MIN_SECRET_BYTES = 16;
/** Longer than any token we make (an address is at most 254 characters); refuse before hashing. */
const MAX_TOKEN_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

interface WirePayload {
  p: TokenPurpose;
  s: string;
  e?: number;
}

export function signToken(secret: TokenSecret, payload: TokenPayload): string {
  checkSecret(secret);
  if (!PURPOSES.includes(payload.purpose)) throw new RangeError(`unknown token purpose: ${String(payload.purpose)}`);
  if (typeof payload.subscriber !== 'string' || payload.subscriber.length === 0) {
    throw new RangeError('a token needs a subscriber');
  }
  // Links in old emails must keep working, and a confirmation link must not live for ever.
  if (payload.purpose === 'unsubscribe' && payload.expiresAt) {
    throw new RangeError('unsubscribe tokens never expire: links in old emails must keep working');
  }
  if (payload.purpose === 'confirm' && !payload.expiresAt) {
    throw new RangeError('confirm tokens must expire (see CONFIRM_TOKEN_TTL_MS)');
  }
  const wire: WirePayload = { p: payload.purpose, s: payload.subscriber };
  if (payload.expiresAt) {
    const seconds = Math.floor(payload.expiresAt.getTime() / 1000);
    if (!Number.isFinite(seconds)) throw new RangeError('token expiry is not a valid date');
    wire.e = seconds;
  }
  const body = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/**
 * The payload when `token` was signed with `secret`, is for `purpose` and has not expired at `now`;
 * otherwise null. Never throws on hostile input.
 */
export function verifyToken(secret: TokenSecret, token: unknown, purpose: TokenPurpose, now: Date): TokenPayload | null {
  checkSecret(secret);
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
  const body = token.slice(0, dot);
  const sig = token.slice(dot + 1);
  if (!BASE64URL.test(body) || !BASE64URL.test(sig)) return null;
  const given = Buffer.from(sig, 'base64url');
  const expected = mac(secret, body);
  // timingSafeEqual needs equal lengths; the length of a MAC is public, so checking it first leaks nothing.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!isWirePayload(wire) || wire.p !== purpose) return null;
  if (wire.e !== undefined && now.getTime() >= wire.e * 1000) return null;
  return wire.e === undefined
    ? { purpose: wire.p, subscriber: wire.s }
    : { purpose: wire.p, subscriber: wire.s, expiresAt: new Date(wire.e * 1000) };
}

function mac(secret: TokenSecret, body: string): Buffer {
  return createHmac('sha256', secret).update(MAC_PREFIX).update(body).digest();
}

function checkSecret(secret: TokenSecret): void {
  const bytes = typeof secret === 'string' ? Buffer.byteLength(secret, 'utf8') : secret.byteLength;
  if (bytes < MIN_SECRET_BYTES) throw new RangeError(`token secret too short (${bytes} bytes; at least ${MIN_SECRET_BYTES})`);
}

function isWirePayload(v: unknown): v is WirePayload {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if (!PURPOSES.includes(o.p as TokenPurpose)) return false;
  if (typeof o.s !== 'string' || o.s.length === 0) return false;
  if (o.e !== undefined && (typeof o.e !== 'number' || !Number.isSafeInteger(o.e))) return false;
  return Object.keys(o).every((k) => k === 'p' || k === 's' || k === 'e');
}
