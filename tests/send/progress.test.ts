import { describe, expect, it } from 'vitest';
import { createProgressBar, formatProgressLine } from '../../src/send/progress.js';
import type { SendProgress } from '../../src/send/run-send.js';

function fakeStream(isTTY: boolean, columns = 100): { isTTY: boolean; columns: number; written: string[]; write(s: string): boolean } {
  return {
    isTTY,
    columns,
    written: [],
    write(s: string) {
      this.written.push(s);
      return true;
    },
  };
}

const at = (sent: number, failed: number, elapsedMs: number, total = 2000): SendProgress => ({
  sent,
  failed,
  pending: total - sent - failed,
  total,
  elapsedMs,
});

describe('progress bar', () => {
  it('formats count, share, failures, rate and time left', () => {
    const line = formatProgressLine(at(812, 3, 16_000), { label: 'Sending', since: at(0, 0, 0), columns: 120 });
    expect(line).toBe('Sending [##########--------------]  815/2,000  40%  3 failed  51 msg/s  ETA 0:23');
  });

  it('never wraps a narrow terminal', () => {
    const line = formatProgressLine(at(812, 3, 16_000), { label: 'Sending', since: at(0, 0, 0), columns: 40 });
    expect(line.length).toBeLessThanOrEqual(39);
  });

  it('draws nothing when the stream is not a terminal', () => {
    const stream = fakeStream(false);
    const bar = createProgressBar({ stream, delayMs: 0 });
    bar.update(at(10, 0, 5000));
    bar.done();
    expect(stream.written).toEqual([]);
  });

  it('stays silent for the first seconds, then redraws one line in place and ends it with a newline', () => {
    const stream = fakeStream(true);
    const bar = createProgressBar({ stream, delayMs: 2000 });
    bar.update(at(0, 0, 0));
    bar.update(at(50, 0, 1000));
    expect(stream.written).toEqual([]);
    bar.update(at(120, 0, 2500));
    bar.update(at(2000, 0, 40_000));
    bar.done();
    expect(stream.written).toHaveLength(4);
    expect(stream.written.slice(0, 3).every((s) => s.startsWith('\r\x1b[2K') && !s.includes('\n'))).toBe(true);
    expect(stream.written[2]).toContain('2,000/2,000  100%');
    expect(stream.written[3]).toBe('\n');
  });

  it('a short send that never reached the delay leaves no trace', () => {
    const stream = fakeStream(true);
    const bar = createProgressBar({ stream, delayMs: 2000 });
    bar.update(at(0, 0, 0, 5));
    bar.update(at(5, 0, 300, 5));
    bar.done();
    expect(stream.written).toEqual([]);
  });
});
