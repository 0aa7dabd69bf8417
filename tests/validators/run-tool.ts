import { spawnSync } from 'node:child_process';

export interface ToolRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a validator with arguments (no shell), failing loudly if it cannot be started at all. */
export function runTool(command: string, args: readonly string[], options: { input?: string } = {}): ToolRun {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  if (result.error) throw new Error(`could not run ${command}: ${result.error.message}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Tool output without the noise some Debian wrappers print (jing's "[warning] Unable to locate …"). */
export function meaningfulLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '' && !line.startsWith('[warning]'));
}
