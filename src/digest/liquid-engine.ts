/**
 * The Liquid engines for digest templates. Pure: templates come from memory, so `include` and
 * `render` of files are refused rather than reading the disk. HTML output is escaped by default
 * (article titles and summaries are plain text); the text engine leaves text alone.
 *
 * Extra filters:
 * - `plural: "article", "articles"` picks the word for a count;
 * - `wrap: 72` wraps plain text at spaces (long words, such as URLs, are never broken);
 * - `default` also works on `recipient.name`, whose value is only known per recipient.
 */
import type { Liquid } from 'liquidjs';
import { liquidjs } from '../render/liquidjs.js';
import { RecipientNameDrop } from './personal-document.js';

export type LiquidKind = 'html' | 'text';

export function createLiquid(kind: LiquidKind): Liquid {
  const engine = new liquidjs.Liquid({
    ...(kind === 'html' ? { outputEscape: 'escape' as const } : {}),
    strictFilters: true,
    strictVariables: true,
    // `{% if article.image %}` and `| default:` may name what is absent without failing.
    lenientIf: true,
    ownPropertyOnly: true,
    templates: {},
    // A template is the operator's own; these only stop a runaway loop from hanging a send.
    renderLimit: 10_000,
    parseLimit: 1_000_000,
    memoryLimit: 50_000_000,
  });
  const defaultFilter = engine.filters['default'] as unknown as (this: unknown, ...args: unknown[]) => unknown;
  engine.registerFilter('default', function (this: unknown, value: unknown, fallback: unknown, ...rest: unknown[]) {
    if (value instanceof RecipientNameDrop) return value.withFallback(String(fallback ?? ''));
    return defaultFilter.call(this, value, fallback, ...rest);
  });
  engine.registerFilter('plural', (count: unknown, one: unknown, many: unknown) => (Number(count) === 1 ? one : many));
  engine.registerFilter('wrap', (text: unknown, width: unknown) => wrapText(String(text ?? ''), Number(width) || 72));
  return engine;
}

/** Greedy word wrap per line; a word longer than the width stays whole on its own line. */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      const words = line.split(/ +/).filter((w) => w.length > 0);
      const lines: string[] = [];
      let current = '';
      for (const word of words) {
        if (current && current.length + 1 + word.length > width) {
          lines.push(current);
          current = word;
        } else {
          current = current ? `${current} ${word}` : word;
        }
      }
      if (current) lines.push(current);
      return lines.join('\n');
    })
    .join('\n');
}
