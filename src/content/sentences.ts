/**
 * The first sentence of a paragraph, for titles derived from plain news copy. Intl.Segmenter
 * (ICU) already keeps "a senior U.S. administration official" together; it still splits after
 * honorifics and initials ("Mr. Smith", "John F. Kennedy"), which can never end a sentence, so
 * those pieces are joined again.
 */
import { segmenter } from './segmenter.js';

const NEVER_FINAL = new Set([
  'mr.', 'mrs.', 'ms.', 'mx.', 'dr.', 'prof.', 'st.', 'sr.', 'jr.', 'gen.', 'sen.', 'rep.', 'gov.',
  'lt.', 'col.', 'capt.', 'sgt.', 'rev.', 'hon.', 'mt.', 'ft.', 'messrs.', 'mme.', 'mlle.',
]);
const INITIAL = /^\p{Lu}\.$/u;

export function firstSentence(text: string, locale = 'en'): string {
  let sentence = '';
  for (const { segment } of segmenter(locale, 'sentence').segment(text)) {
    sentence += segment;
    const lastWord = sentence.trimEnd().split(/\s+/).pop() ?? '';
    if (!NEVER_FINAL.has(lastWord.toLowerCase()) && !INITIAL.test(lastWord)) break;
  }
  return sentence.trim();
}

/**
 * A headline does not end with a full stop. Keeps "…", "?" and "!", and keeps the period of a
 * final abbreviation ("in the U.S.").
 */
export function withoutFinalPeriod(sentence: string): string {
  if (!sentence.endsWith('.') || sentence.endsWith('..')) return sentence;
  const lastWord = sentence.split(/\s+/).pop() ?? '';
  if (/\..*\.$/.test(lastWord) || INITIAL.test(lastWord) || NEVER_FINAL.has(lastWord.toLowerCase())) return sentence;
  return sentence.slice(0, -1);
}
