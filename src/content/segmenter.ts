/** Intl.Segmenter instances are costly to create: one per locale and granularity, for the process. */
const cache = new Map<string, Intl.Segmenter>();

export function segmenter(locale: string, granularity: 'grapheme' | 'word' | 'sentence'): Intl.Segmenter {
  const key = `${locale}\0${granularity}`;
  let s = cache.get(key);
  if (!s) {
    try {
      s = new Intl.Segmenter(locale, { granularity });
    } catch {
      s = new Intl.Segmenter('en', { granularity }); // a language tag Intl cannot read
    }
    cache.set(key, s);
  }
  return s;
}
