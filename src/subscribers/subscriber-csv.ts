/**
 * The subscribers CSV format, shared by import and export: the header, and how a name is
 * protected from spreadsheet formula injection. Names come from the public web form; a name such
 * as `=HYPERLINK(…)` must not become a live formula when the operator opens the export in a
 * spreadsheet. Export prefixes such a name with "'" (OWASP's advice); import removes that prefix,
 * so export → import gives back the same name.
 */
export const SUBSCRIBER_CSV_COLUMNS = ['email', 'name', 'status', 'subscribed_at'] as const;
export type SubscriberCsvColumn = (typeof SUBSCRIBER_CSV_COLUMNS)[number];

const FORMULA_START = /^[=+\-@\t\r]/;
const ESCAPED_FORMULA = /^'[=+\-@\t\r]/;

export function escapeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function unescapeFormula(value: string): string {
  return ESCAPED_FORMULA.test(value) ? value.slice(1) : value;
}
