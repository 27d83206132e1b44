import { describe, expect, it } from 'vitest';
import type { FitLabel } from './hardwareDto';
// formatBytes is tested with the UI's formatters (src/renderer/src/shared/lib/format.test.ts).
import { fitLabelText } from './format';

describe('fitLabelText', () => {
  it('names every fit label in LM Studio’s words', () => {
    const labels: FitLabel[] = ['full-gpu', 'partial-gpu', 'cpu', 'too-large'];
    expect(labels.map((label) => fitLabelText[label])).toEqual(['Full GPU offload', 'Partial GPU offload', 'Fits in RAM (CPU)', 'Too large']);
  });
});
