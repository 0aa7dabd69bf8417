/** What a command returns to the CLI: an exit code, a line for people, a value for `--json`. */
export interface CommandResult {
  readonly exitCode: 0 | 1;
  readonly text: string;
  readonly json: unknown;
}

/** Messages a command wants shown while it runs (warnings, progress), kept apart from its result. */
export interface Reporter {
  warn(message: string): void;
  info(message: string): void;
}

export const silentReporter: Reporter = { warn() {}, info() {} };
