/** Speed is averaged over this window, in ms: long enough to smooth chunk bursts, short enough to follow a change. */
const WINDOW_MS = 5_000;

/** Recent transfer speed and ETA from (time, bytes) samples. */
export class ProgressMeter {
  private samples: { at: number; bytes: number }[] = [];

  /** Records `bytes` received so far (total, not a delta) at `at` ms. */
  sample(at: number, bytes: number): void {
    const last = this.samples.at(-1);
    // Bytes going down means the server restarted the file: old samples no longer describe a speed.
    if (last !== undefined && bytes < last.bytes) this.samples = [];
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && (this.samples[0]?.at ?? at) < at - WINDOW_MS) this.samples.shift();
  }

  /** Forgets the history, e.g. on pause, so a resume does not average in the idle time. */
  reset(): void {
    this.samples = [];
  }

  /** In bytes per second; 0 with fewer than two samples. */
  bytesPerSecond(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined || last.at <= first.at) return 0;
    return Math.max(0, ((last.bytes - first.bytes) * 1000) / (last.at - first.at));
  }

  /** Seconds until `totalBytes` at the current speed; undefined without a speed. */
  etaSeconds(totalBytes: number): number | undefined {
    const speed = this.bytesPerSecond();
    const last = this.samples.at(-1);
    if (speed <= 0 || last === undefined) return undefined;
    return Math.max(0, Math.ceil((totalBytes - last.bytes) / speed));
  }
}
