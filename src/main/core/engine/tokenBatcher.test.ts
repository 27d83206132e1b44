import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBatcher, type TextPiece } from './tokenBatcher';

describe('TokenBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first piece at once, then coalesces until the interval passes', () => {
    const sent: Array<[string, number]> = [];
    const batcher = new TokenBatcher(({ text, tokenCount }) => sent.push([text, tokenCount]), false, 16);
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
    const batcher = new TokenBatcher(({ text, tokenCount }) => sent.push([text, tokenCount]));
    batcher.add('', 1);
    batcher.flush();
    expect(sent).toEqual([['', 1]]);
  });

  it('keeps each piece, with its log probabilities, inside one message when asked to', () => {
    const sent: Array<TextPiece & { pieces?: TextPiece[] }> = [];
    const batcher = new TokenBatcher((batch) => sent.push(batch), true, 16);
    const lp = (token: string) => ({ token, logprob: -1, bytes: [...Buffer.from(token)], top: [] });
    batcher.add('A', 1, [lp('A')]);
    batcher.add('b', 1, [lp('b')]);
    batcher.add('cd', 2, [lp('c'), lp('d')]);
    vi.advanceTimersByTime(16);
    expect(sent).toEqual([
      { text: 'A', tokenCount: 1, logprobs: [lp('A')] },
      {
        text: 'bcd',
        tokenCount: 3,
        logprobs: [lp('b'), lp('c'), lp('d')],
        pieces: [
          { text: 'b', tokenCount: 1, logprobs: [lp('b')] },
          { text: 'cd', tokenCount: 2, logprobs: [lp('c'), lp('d')] },
        ],
      },
    ]);
  });
});
