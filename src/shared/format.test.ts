import { describe, expect, it } from 'vitest';
import type { FitLabel } from './dto';
import { fitLabelText, formatBytes } from './format';

describe('formatBytes', () => {
  it('uses decimal units with one decimal, whole bytes below 1 KB', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(81_920)).toBe('81.9 KB');
    expect(formatBytes(77_400_000)).toBe('77.4 MB');
    expect(formatBytes(8 * 1024 ** 3)).toBe('8.6 GB');
    expect(formatBytes(999_960)).toBe('1.0 MB');
    expect(formatBytes(-1)).toBe('–');
    expect(formatBytes(Number.NaN)).toBe('–');
  });
});

describe('fitLabelText', () => {
  it('names every fit label in LM Studio’s words', () => {
    const labels: FitLabel[] = ['full-gpu', 'partial-gpu', 'cpu', 'too-large'];
    expect(labels.map((label) => fitLabelText[label])).toEqual(['Full GPU offload', 'Partial GPU offload', 'Fits in RAM (CPU)', 'Too large']);
  });
});
