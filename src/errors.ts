/**
 * The one error class Gazette throws on purpose. Every message says what went wrong and where: a
 * file and line, a config key, or an address. `code` is stable for scripts and tests.
 */
export type ErrorCode =
  | 'CONFIG' // the config file is missing, unreadable or invalid
  | 'CONTENT' // an article cannot be read or is invalid
  | 'USAGE' // bad command-line usage (exit 2)
  | 'STATE' // the state database cannot be opened or is inconsistent
  | 'OUTPUT' // out/ cannot be written
  | 'TEMPLATE' // a template does not compile or render
  | 'MAIL' // the mail transport is misconfigured or unreachable
  | 'SEND' // a send could not finish
  | 'LOCKED' // another Gazette process holds the lock
  | 'NOT_FOUND';

/** Where a problem is: as precise as is known. */
export interface Location {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** Dotted config key ("digest.maxArticles") or front-matter key ("date"). */
  readonly key?: string;
}

export interface Problem extends Location {
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  let where = p.file ?? '';
  if (p.file && p.line !== undefined) where += `:${p.line}`;
  if (p.file && p.line !== undefined && p.column !== undefined) where += `:${p.column}`;
  if (p.key) where = where ? `${where} (${p.key})` : p.key;
  return where ? `${where}: ${p.message}` : p.message;
}

export class GazetteError extends Error {
  readonly code: ErrorCode;
  /** Every problem found, when the error reports several at once (config, `check`). */
  readonly problems: readonly Problem[];

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; problems?: readonly Problem[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GazetteError';
    this.code = code;
    this.problems = options.problems ?? [];
  }

  /** One error that lists many problems, one per line. */
  static fromProblems(code: ErrorCode, headline: string, problems: readonly Problem[]): GazetteError {
    const lines = problems.map((p) => `  ${formatProblem(p)}`);
    return new GazetteError(code, `${headline}\n${lines.join('\n')}`, { problems });
  }
}

export function isGazetteError(e: unknown): e is GazetteError {
  return e instanceof GazetteError;
}
