/**
 * DKIM signatures (RFC 6376), rsa-sha256 with relaxed/relaxed canonicalisation, made with
 * node:crypto. The digest's bodies are built in relaxed form already (see quoted-printable.ts), so
 * the body hash is taken over the bytes as sent; `relaxedBody` exists to check that in tests.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';

export interface DkimKey {
  readonly domainName: string;
  readonly keySelector: string;
  readonly privateKey: KeyObject;
}

/** Parses and checks a PEM private key; throws a plain Error the loader turns into a config error. */
export function dkimKey(domainName: string, keySelector: string, pem: string): DkimKey {
  const privateKey = createPrivateKey({ key: pem, format: 'pem' });
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`expected an RSA key, got ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 1024) throw new Error(`the RSA key has ${bits} bits; DKIM verifiers require at least 1024 (2048 recommended)`);
  if (!/^[A-Za-z0-9.-]+$/.test(domainName)) throw new Error(`domain "${domainName}" is not an ASCII domain name`);
  if (!/^[A-Za-z0-9._-]+$/.test(keySelector)) throw new Error(`selector "${keySelector}" is not a valid DKIM selector`);
  return { domainName: domainName.toLowerCase(), keySelector, privateKey };
}

/** One header field in relaxed form (without its CRLF): lower-case name, unfolded, spaces collapsed. */
export function relaxedHeader(name: string, value: string): string {
  return `${name.trim().toLowerCase()}:${value.replace(/\r\n/g, '').replace(/[ \t]+/g, ' ').trim()}`;
}

/** The relaxed body canonicalisation, for checking; the composer never needs to run it. */
export function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
}

/**
 * The `DKIM-Signature: …\r\n` field for a message whose signed header fields are `fields`
 * (name, raw value as it appears after "Name:", folds included) and whose body hash is `bh`.
 */
export function dkimSignatureField(key: DkimKey, fields: ReadonlyArray<readonly [string, string]>, bh: string): string {
  const names = fields.map(([name]) => name);
  const h = [...names, 'From'].join(':');
  const prefix = `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${key.domainName};\r\n s=${key.keySelector}; h=${h};\r\n bh=${bh};\r\n b=`;
  let signed = '';
  for (const [name, value] of fields) signed += `${relaxedHeader(name, value)}\r\n`;
  signed += relaxedHeader('DKIM-Signature', prefix.slice('DKIM-Signature:'.length));
  const b = sign('sha256', Buffer.from(signed, 'utf8'), key.privateKey).toString('base64');
  return `${prefix}${b.replace(/(.{72})(?=.)/g, '$1\r\n ')}\r\n`;
}
