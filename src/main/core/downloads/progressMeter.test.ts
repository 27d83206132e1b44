import { describe, expect, it } from 'vitest';
import { formatBytes } from './diskSpace';
import { ProgressMeter } from './progressMeter';

describe('ProgressMeter', () => {
  it('averages speed over the recent window and derives the ETA', () => {
    const meter = new ProgressMeter();
    expect(meter.bytesPerSecond()).toBe(0);
    expect(meter.etaSeconds(1_000)).toBeUndefined();
    meter.sample(0, 0);
    meter.sample(1_000, 100);
    meter.sample(2_000, 200);
    expect(meter.bytesPerSecond()).toBe(100);
    expect(meter.etaSeconds(1_000)).toBe(8);
    // Old samples age out: after a burst the speed follows the last 5 s only.
    meter.sample(10_000, 200);
    meter.sample(11_000, 1_200);
    expect(meter.bytesPerSecond()).toBe(1_000);
  });

  it('starts over when the byte count goes down (the server restarted the file)', () => {
    const meter = new ProgressMeter();
    meter.sample(0, 500);
    meter.sample(1_000, 900);
    meter.sample(2_000, 0);
    expect(meter.bytesPerSecond()).toBe(0);
  });
});

describe('formatBytes', () => {
  it('uses decimal units', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500)).toBe('1.5 KB');
    expect(formatBytes(4_200_000_000)).toBe('4.2 GB');
  });
});
