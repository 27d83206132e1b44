import { describe, expect, it } from 'vitest';
import { compareWithEstimate, describeMemoryCheck, formatErrorPercent, residentMemoryBytes } from './memoryCheck';

describe('formatErrorPercent', () => {
  it('signs the error with one decimal and a unit', () => {
    expect(formatErrorPercent(3.84)).toBe('+3.8 %');
    expect(formatErrorPercent(-2.06)).toBe('−2.1 %');
    expect(formatErrorPercent(0.01)).toBe('±0.0 %');
    expect(formatErrorPercent(Number.NaN)).toBe('–');
  });
});

describe('compareWithEstimate', () => {
  it('says above, below or as estimated in words', () => {
    expect(compareWithEstimate(-5.54)).toBe('5.5 % below the estimate');
    expect(compareWithEstimate(2)).toBe('2.0 % above the estimate');
    expect(compareWithEstimate(0.02)).toBe('as estimated');
  });
});

describe('describeMemoryCheck', () => {
  it('shows RAM alone for a CPU load', () => {
    const { text, title } = describeMemoryCheck({
      predicted: { ramBytes: 79_000_000, vramBytes: 0 },
      measured: { ramBytes: 82_000_000, vramBytes: 0 },
      errorPercent: 3.8,
    });
    expect(text).toBe('RAM 82.0 MB in use · 3.8 % above the estimate');
    expect(title).toContain('RAM 82.0 MB measured, 79.0 MB predicted');
    expect(title).not.toContain('VRAM 0');
  });

  it('adds VRAM when the load used the GPU', () => {
    const { text, title } = describeMemoryCheck({
      predicted: { ramBytes: 1e9, vramBytes: 4e9 },
      measured: { ramBytes: 0.9e9, vramBytes: 4.2e9 },
      errorPercent: 2,
    });
    expect(text).toBe('RAM+VRAM 5.1 GB in use · 2.0 % above the estimate');
    expect(title).toContain('VRAM 4.2 GB measured, 4.0 GB predicted');
  });
});

describe('residentMemoryBytes', () => {
  it('is the measured RAM and VRAM of the load, else the weights', () => {
    const memory = { predicted: { ramBytes: 1, vramBytes: 1 }, measured: { ramBytes: 300, vramBytes: 200 }, errorPercent: 0 };
    expect(residentMemoryBytes({ modelBytes: 100, memory })).toBe(500);
    expect(residentMemoryBytes({ modelBytes: 100 })).toBe(100);
  });
});
