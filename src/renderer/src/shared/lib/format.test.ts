import { describe, expect, it } from 'vitest';
import { formatBytes, formatCtx, formatCtxExact, formatMs, formatParams, formatRate, toPercent } from './format';

describe('formatBytes', () => {
  it('uses decimal units with one decimal', () => {
    expect(formatBytes(77_400_000)).toBe('77.4 MB');
    expect(formatBytes(81_920)).toBe('81.9 KB');
    expect(formatBytes(5_100_000_000)).toBe('5.1 GB');
    expect(formatBytes(1_500_000_000_000)).toBe('1.5 TB');
    expect(formatBytes(8 * 1024 ** 3)).toBe('8.6 GB');
  });

  it('shows whole bytes below 1 KB', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
  });

  it('moves to the next unit instead of showing 1000.0', () => {
    expect(formatBytes(999_960)).toBe('1.0 MB');
    expect(formatBytes(999_940)).toBe('999.9 KB');
  });

  it('shows a dash for nonsense', () => {
    expect(formatBytes(-1)).toBe('–');
    expect(formatBytes(Number.NaN)).toBe('–');
  });
});

describe('formatParams', () => {
  it('writes counts the way model cards do', () => {
    expect(formatParams(134_515_008)).toBe('135M');
    expect(formatParams(1_235_814_400)).toBe('1.2B');
    expect(formatParams(8_030_261_248)).toBe('8B');
    expect(formatParams(494_032_768)).toBe('494M');
    expect(formatParams(70_553_706_496)).toBe('71B');
  });

  it('drops a trailing .0 and keeps one decimal below 10', () => {
    expect(formatParams(1_000_000_000)).toBe('1B');
    expect(formatParams(7_241_732_096)).toBe('7.2B');
    expect(formatParams(2_500_000)).toBe('2.5M');
  });

  it('rounds up into the next unit rather than showing 1000M', () => {
    expect(formatParams(999_700_000)).toBe('1B');
    expect(formatParams(999_400)).toBe('999K');
  });

  it('handles tiny models', () => {
    expect(formatParams(101_440)).toBe('101K');
    expect(formatParams(512)).toBe('512');
  });
});

describe('formatCtx', () => {
  it('shortens power-of-two lengths with k', () => {
    expect(formatCtx(8192)).toBe('8k ctx');
    expect(formatCtx(4096)).toBe('4k ctx');
    expect(formatCtx(131_072)).toBe('128k ctx');
    expect(formatCtx(40_960)).toBe('40k ctx');
  });

  it('shortens round decimal lengths too', () => {
    expect(formatCtx(32_000)).toBe('32k ctx');
  });

  it('keeps short lengths exact and uses M for a million', () => {
    expect(formatCtx(512)).toBe('512 ctx');
    expect(formatCtx(1_048_576)).toBe('1M ctx');
  });

  it('approximates odd lengths', () => {
    expect(formatCtx(2500)).toBe('2.4k ctx');
    expect(formatCtx(100_001)).toBe('98k ctx');
  });

  it('shows a dash for unknown lengths', () => {
    expect(formatCtx(0)).toBe('– ctx');
  });
});

describe('small formatters', () => {
  it('formats an exact context size', () => {
    expect(formatCtxExact(4096)).toBe('4096 ctx');
  });

  it('formats rates and durations', () => {
    expect(formatRate(41.83)).toBe('41.8');
    expect(formatRate(150)).toBe('150.0');
    expect(formatMs(179.6)).toBe('180');
  });

  it('clamps progress to whole percentages', () => {
    expect(toPercent(0.423)).toBe(42);
    expect(toPercent(1.2)).toBe(100);
    expect(toPercent(-0.1)).toBe(0);
    expect(toPercent(Number.NaN)).toBe(0);
  });
});
