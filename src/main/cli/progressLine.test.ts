import { describe, expect, it } from 'vitest';
import type { DownloadStatus } from '../../shared/hubDto';
import { formatEta, formatProgressLine, PLAIN_INTERVAL_MS, ProgressReporter } from './progressLine';

function status(overrides: Partial<DownloadStatus> = {}): DownloadStatus {
  return {
    id: 'd1', repo: 'o/r', name: 'm.gguf', state: 'downloading',
    receivedBytes: 34_500_000, totalBytes: 76_800_000, bytesPerSecond: 12_300_000, etaSeconds: 4, ...overrides,
  };
}

describe('formatProgressLine', () => {
  it('draws the bar, bytes, speed and ETA', () => {
    expect(formatProgressLine(status())).toBe('[########............] 44% 34.5 MB / 76.8 MB · 12.3 MB/s · ETA 4 s');
  });

  it('leaves out speed and ETA while unknown, and says when it checks the hash', () => {
    expect(formatProgressLine(status({ receivedBytes: 0, bytesPerSecond: 0, etaSeconds: undefined }))).toBe('[....................] 0% 0 B / 76.8 MB');
    expect(formatProgressLine(status({ state: 'verifying', receivedBytes: 76_800_000, bytesPerSecond: 0 }))).toBe(
      '[####################] 100% 76.8 MB / 76.8 MB · checking sha256',
    );
  });

  it('never shows 100 % before the last byte', () => {
    expect(formatProgressLine(status({ receivedBytes: 76_799_999 }))).toContain('] 99% ');
  });

  it('formats ETAs from seconds to hours', () => {
    expect([formatEta(0), formatEta(59.4), formatEta(65), formatEta(3_599), formatEta(3_720)]).toEqual(['0 s', '59 s', '1 min 05 s', '59 min 59 s', '1 h 02 min']);
  });
});

describe('ProgressReporter', () => {
  it('redraws one line on a terminal and ends it with a newline', () => {
    const written: string[] = [];
    const reporter = new ProgressReporter({ isTTY: true, write: (text) => written.push(text) });
    reporter.update(status({ receivedBytes: 7_680_000 }));
    reporter.update(status());
    reporter.finish();
    reporter.finish();
    expect(written).toHaveLength(3);
    expect(written[0]).toMatch(/^\r\[##\.{18}\] 10% 7\.7 MB \/ 76\.8 MB · /);
    // Erases the rest of a longer previous line.
    expect(written[0]?.endsWith('\u001b[K')).toBe(true);
    expect(written[1]?.startsWith('\r[########')).toBe(true);
    expect(written[2]).toBe('\n');
  });

  it('writes plain lines at most every 2 s, and at once on a state change', () => {
    let now = 0;
    const written: string[] = [];
    const reporter = new ProgressReporter({ isTTY: false, write: (text) => written.push(text) }, () => now);
    reporter.update(status({ receivedBytes: 1 }));
    now = PLAIN_INTERVAL_MS - 1;
    reporter.update(status({ receivedBytes: 2 }));
    now = PLAIN_INTERVAL_MS;
    reporter.update(status({ receivedBytes: 3 }));
    now += 10;
    reporter.update(status({ state: 'verifying', receivedBytes: 76_800_000, bytesPerSecond: 0 }));
    reporter.update(status({ state: 'downloading', receivedBytes: 76_800_000 }));
    reporter.update(status({ state: 'done', receivedBytes: 76_800_000 }));
    reporter.finish();
    expect(written).toEqual([
      'downloading 0% 1 B / 76.8 MB · 12.3 MB/s · ETA 4 s\n',
      'downloading 0% 3 B / 76.8 MB · 12.3 MB/s · ETA 4 s\n',
      'verifying 100% 76.8 MB / 76.8 MB · checking sha256\n',
    ]);
    expect(written.every((line) => !line.includes('\r'))).toBe(true);
  });
});
