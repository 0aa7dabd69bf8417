/**
 * Shortens text to about `max` characters, cutting between words (Intl word segmentation, so
 * languages written without spaces are cut cleanly too) and ending with "…".
 */
import { segmenter } from './segmenter.js';

/** The end of the last segment that finishes within `max` UTF-16 units. */
function lastBoundary(segments: Intl.Segments, max: number): number {
  let cut = 0;
  for (const { index, segment } of segments) {
    const end = index + segment.length;
    if (end > max) break;
    cut = end;
  }
  return cut;
}

export function truncateAtWord(text: string, max: number, locale = 'en'): string {
  if (text.length <= max) return text;
  let cut = lastBoundary(segmenter(locale, 'word').segment(text), max);
  // One very long "word" (a URL, say): cut inside it, but never inside a character.
  if (cut < max / 2) cut = lastBoundary(segmenter(locale, 'grapheme').segment(text), max);
  return `${text.slice(0, cut).replace(/[\s,;:.\-–—]+$/u, '')}…`;
}
