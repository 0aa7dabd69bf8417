/**
 * A URL a feed may link to: cleaned like all feed text, parsed by WHATWG `URL`, and kept only with
 * an allowed scheme (http(s) by default). Shared by the article and digest-archive feeds so both
 * accept and serialise links the same way.
 */
import { cleanXmlText } from '../clean-xml-text.js';

export function httpUrl(value: string | undefined, schemes: readonly string[] = ['http:', 'https:']): URL | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(cleanXmlText(value).trim());
    return schemes.includes(url.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}
