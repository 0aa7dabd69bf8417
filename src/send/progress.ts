/**
 * A one-line progress bar for a send, drawn on a terminal (stderr) and only there: nothing is
 * written when the stream is not a TTY (CI logs, pipes, `--json`), and nothing before the send
 * has lasted `delayMs`, so short sends stay silent.
 */
import type { SendProgress } from './run-send.js';

export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): unknown;
}

export interface ProgressBarOptions {
  /** Default: process.stderr. */
  readonly stream?: ProgressStream;
  /** Draw only once the send has run this long. Default 2 s. */
  readonly delayMs?: number;
  readonly label?: string;
}

export interface ProgressBar {
  update(progress: SendProgress): void;
  /** Leaves the last state on its own line (if anything was drawn). */
  done(): void;
}

const BAR_WIDTH = 24;

export function createProgressBar(options: ProgressBarOptions = {}): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const delayMs = options.delayMs ?? 2_000;
  const label = options.label ?? 'Sending';
  const enabled = stream.isTTY === true;
  let first: SendProgress | null = null;
  let last: SendProgress | null = null;
  let drawn = false;

  const draw = (p: SendProgress): void => {
    const line = formatProgressLine(p, { label, since: first ?? p, columns: stream.columns || 80 });
    stream.write(`\r\x1b[2K${line}`);
    drawn = true;
  };

  return {
    update(progress: SendProgress): void {
      if (!enabled) return;
      first ??= progress;
      last = progress;
      if (progress.elapsedMs >= delayMs) draw(progress);
    },
    done(): void {
      if (!enabled || !drawn || !last) return;
      draw(last);
      stream.write('\n');
    },
  };
}

export interface FormatProgressOptions {
  readonly label: string;
  /** An earlier snapshot of this run, for the rate: counts already settled before it do not count. */
  readonly since: SendProgress;
  readonly columns: number;
}

/** "Sending [#########---------------]  812/2,000  41%  3 failed  52 msg/s  ETA 0:23" */
export function formatProgressLine(p: SendProgress, options: FormatProgressOptions): string {
  const settled = p.sent + p.failed;
  const share = p.total > 0 ? Math.min(1, settled / p.total) : 1;
  const filled = Math.round(share * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const parts = [
    `${options.label} ${bar}`,
    `${group(settled)}/${group(p.total)}`,
    `${Math.floor(share * 100)}%`,
  ];
  if (p.failed > 0) parts.push(`${group(p.failed)} failed`);
  const doneSince = settled - (options.since.sent + options.since.failed);
  const seconds = (p.elapsedMs - options.since.elapsedMs) / 1000;
  if (seconds >= 0.5 && doneSince > 0) {
    const rate = doneSince / seconds;
    parts.push(`${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} msg/s`);
    if (p.pending > 0) parts.push(`ETA ${clock(p.pending / rate)}`);
  }
  const line = parts.join('  ');
  // Never wrap: a wrapped line breaks the carriage-return redraw.
  const max = Math.max(10, options.columns - 1);
  return line.length > max ? line.slice(0, max) : line;
}

function group(n: number): string {
  return n.toLocaleString('en-US');
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
