/**
 * How `hearth pull` shows a download: on a terminal one line redrawn in place
 * (`[#####.....] 45% 34.5 MB / 76.8 MB · 12.3 MB/s · ETA 4 s`); into a pipe or a log file
 * plain lines, at most one every {@link PLAIN_INTERVAL_MS} plus one per state change, so a CI
 * log of a long download stays readable.
 */
import type { DownloadStatus } from '../../shared/hubDto';
import { formatBytes } from '../../shared/format';

/** Least time between two plain progress lines, in ms. */
export const PLAIN_INTERVAL_MS = 2_000;
/** Bar width in characters: fits an 80-column terminal with the numbers beside it. */
const BAR_WIDTH = 20;

/** `4 s`, `2 min 05 s`, `1 h 03 min`: seconds read at a glance, longer times without false precision. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Whole percent, never 100 before every byte is there (a rounded 99.6 % would look finished). */
function percent(received: number, total: number): number {
  if (total <= 0) return 0;
  const value = Math.floor((received / total) * 100);
  return received >= total ? 100 : Math.min(99, value);
}

/** The numbers: `45% 34.5 MB / 76.8 MB · 12.3 MB/s · ETA 4 s` (speed and ETA only while known). */
export function formatProgressNumbers(status: Pick<DownloadStatus, 'receivedBytes' | 'totalBytes' | 'bytesPerSecond' | 'etaSeconds' | 'state'>): string {
  const parts = [`${percent(status.receivedBytes, status.totalBytes)}% ${formatBytes(status.receivedBytes)} / ${formatBytes(status.totalBytes)}`];
  if (status.state === 'verifying') parts.push('checking sha256');
  else if (status.bytesPerSecond > 0) parts.push(`${formatBytes(status.bytesPerSecond)}/s`);
  if (status.state === 'downloading' && status.etaSeconds !== undefined) parts.push(`ETA ${formatEta(status.etaSeconds)}`);
  return parts.join(' · ');
}

/** The terminal line: a bar of `#` and `.` then the numbers. */
export function formatProgressLine(status: Pick<DownloadStatus, 'receivedBytes' | 'totalBytes' | 'bytesPerSecond' | 'etaSeconds' | 'state'>): string {
  const filled = status.totalBytes > 0 ? Math.min(BAR_WIDTH, Math.floor((status.receivedBytes / status.totalBytes) * BAR_WIDTH)) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${formatProgressNumbers(status)}`;
}

export interface ProgressOutput {
  write(text: string): void;
  /** A terminal: redraw one line in place. */
  isTTY: boolean;
}

/** Turns download statuses into terminal output; one reporter per download. */
export class ProgressReporter {
  private lastState: DownloadStatus['state'] | undefined;
  private lastPlainAt = Number.NEGATIVE_INFINITY;
  /** A redrawn line is on screen without its newline yet. */
  private lineOpen = false;

  constructor(
    private readonly out: ProgressOutput,
    /** Clock in ms; injectable for tests. */
    private readonly now: () => number = Date.now,
  ) {}

  /** Shows `status`: redrawn on a terminal; as a plain line on a state change or after the interval. */
  update(status: DownloadStatus): void {
    const previous = this.lastState;
    const stateChanged = status.state !== previous;
    this.lastState = status.state;
    // After the last part's hash check the manager passes through `downloading` on its way to `done`: not news.
    if (status.state === 'downloading' && previous === 'verifying' && status.receivedBytes >= status.totalBytes) return;
    if (status.state !== 'downloading' && status.state !== 'verifying' && status.state !== 'queued') return;
    if (this.out.isTTY) {
      // \r back to the start, the line, then erase whatever a longer previous line left.
      this.out.write(`\r${formatProgressLine(status)}\x1b[K`);
      this.lineOpen = true;
      return;
    }
    const at = this.now();
    if (!stateChanged && at - this.lastPlainAt < PLAIN_INTERVAL_MS) return;
    this.lastPlainAt = at;
    this.out.write(`${status.state === 'verifying' ? 'verifying' : 'downloading'} ${formatProgressNumbers(status)}\n`);
  }

  /** Ends a redrawn line so the next message starts on its own line. */
  finish(): void {
    if (!this.lineOpen) return;
    this.out.write('\n');
    this.lineOpen = false;
  }
}
