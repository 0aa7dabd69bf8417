/**
 * Name-based UUIDs (version 5, RFC 4122 §4.3): the same name always gives the same UUID, on any
 * machine, so article GUIDs and digest GUIDs survive rebuilds and moves. The one place in the model
 * that uses Node (for SHA-1), kept here so content/ and render/ hash names identically.
 */
import { createHash } from 'node:crypto';

/**
 * RFC 4122 Appendix C name space for URLs; every name Gazette hashes is a URI ("gazette:…").
 * Decoded once: article ids are derived per article.
 */
const URL_NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/** The v5 UUID of `name` in the URL name space, lower-case with hyphens. */
export function uuidV5(name: string): string {
  const bytes = createHash('sha1').update(URL_NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
