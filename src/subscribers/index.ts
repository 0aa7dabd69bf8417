/** Subscriber list logic: addresses, names, merge rules, CSV import/export, JSON shape. */
export { parseEmailAddress, normalizeEmail, quoteAddress, type EmailAddress, type EmailParseResult } from './email-address.js';
export { normalizeName } from './subscriber-name.js';
export {
  planSubscriberChange,
  type AddOutcome,
  type AddResult,
  type SubscriberInput,
  type SubscriberChange,
} from './merge-subscriber.js';
export { importCsv, type ImportOptions, type ImportResult, type SkippedRow } from './import-csv.js';
export { exportCsv, exportCsvChunks } from './export-csv.js';
export { decodeCsvBytes } from './decode-csv.js';
export { subscriberToJson } from './subscriber-json.js';
export { readCsvRecords, type CsvRecord } from './csv-records.js';
export { SUBSCRIBER_CSV_COLUMNS } from './subscriber-csv.js';
