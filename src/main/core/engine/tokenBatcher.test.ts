import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBatcher } from './tokenBatcher';

describe('TokenBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first piece at once, then coalesces until the interval passes', () => {
    const sent: Array<[string, number]> = [];
    const batcher = new TokenBatcher((text, count) => sent.push([text, count]), 16);
    batcher.add('Hel', 1);
    expect(sent).toEqual([['Hel', 1]]);
    batcher.add('lo', 1);
    batcher.add(' wor', 1);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(16);
    expect(sent).toEqual([['Hel', 1], ['lo wor', 2]]);
    batcher.add('ld', 1);
    batcher.flush();
    expect(sent).toEqual([['Hel', 1], ['lo wor', 2], ['ld', 1]]);
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(3);
  });

  it('sends token counts even when a token produced no visible text yet', () => {
    const sent: Array<[string, number]> = [];
    const batcher = new TokenBatcher((text, count) => sent.push([text, count]));
    batcher.add('', 1);
    batcher.flush();
    expect(sent).toEqual([['', 1]]);
  });
});
