/**
 * Types of the front-matter keys Gazette knows. Each key is checked on its own so that every
 * problem is reported with that key's line; unknown keys are not checked (they go to `extra`).
 * A key written with no value (`title:`) counts as absent.
 */
import { z } from 'zod';

/** "a number (2026)", "a list", "true or false (yes)" … for messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a set of keys';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value === 'number' ? 'a number' : 'true/false'} (${String(value)})`;
}

const expected = (what: string, hint = '') => ({
  error: (issue: { code?: string; input?: unknown }) =>
    issue.code === 'invalid_type' || issue.code === 'invalid_union'
      ? `expected ${what}, got ${describeValue(issue.input)}${hint}`
      : undefined,
});

const QUOTE_HINT = '; put the value in quotes';

const text = () => z.string(expected('text', QUOTE_HINT));
const dateText = () =>
  z.string(expected('a date such as 2026-11-20 or 2026-11-20T08:00:00+01:00', ' (dates are written as text)'));

const authorObject = z.strictObject(
  {
    name: z.string(expected('a name', QUOTE_HINT)).trim().min(1, 'the name is empty'),
    email: z.email('expected an email address such as desk@example.org').optional(),
    url: z.string(expected('a web address')).optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown author key: use name, email and url` : undefined) },
);
const author = z.union([z.string().trim().min(1, 'the name is empty'), authorObject], expected('a name or {name, email, url}'));
const authorList = z.union([author, z.array(author)], expected('a name or a list of names'));

export const FRONT_MATTER_KEYS = {
  title: text(),
  date: dateText(),
  updated: dateText(),
  author: authorList,
  authors: authorList,
  summary: text(),
  tags: z.union([z.string(), z.array(z.union([z.string(), z.number()]))], expected('a list of tags or "a, b, c"')),
  slug: z.union([z.string(), z.int()], expected('text such as "my-article"')),
  id: text(),
  image: text(),
  canonical: text(),
  draft: z.boolean(expected('true or false')),
} as const;

export type FrontMatterKey = keyof typeof FRONT_MATTER_KEYS;
export type FrontMatterValues = { -readonly [K in FrontMatterKey]?: z.output<(typeof FRONT_MATTER_KEYS)[K]> };
export type AuthorInput = z.output<typeof author>;

export function isFrontMatterKey(key: string): key is FrontMatterKey {
  return Object.hasOwn(FRONT_MATTER_KEYS, key);
}
