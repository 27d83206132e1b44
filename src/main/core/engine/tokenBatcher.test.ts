import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineMessage } from './protocol';
import { STREAM_FLUSH_MS, StreamOutbox } from './tokenBatcher';

const INTERVAL_MS = STREAM_FLUSH_MS;

/** An outbox on fake timers (with the interval the engine ships) and the messages it posted. */
function outbox() {
  const sent: EngineMessage[] = [];
  return { sent, box: new StreamOutbox((message) => sent.push(message)) };
}

const tokens = (requestId: string, text: string, tokenCount: number) => ({ kind: 'tokens', requestId, text, tokenCount });

describe('StreamOutbox', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends a reply's first piece at once, then coalesces its later pieces for the interval", () => {
    const { sent, box } = outbox();
    const reply = box.batcher('a');
    reply.add('Hel', 1);
    expect(sent).toEqual([tokens('a', 'Hel', 1)]);
    reply.add('lo', 1);
    reply.add(' wor', 1);
    vi.advanceTimersByTime(INTERVAL_MS - 1);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([tokens('a', 'Hel', 1), tokens('a', 'lo wor', 2)]);
    reply.add('ld', 1);
    reply.flush();
    expect(sent.at(-1)).toEqual(tokens('a', 'ld', 1));
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends the text every reply has waiting in one message, on one timer', () => {
    const { sent, box } = outbox();
    const [a, b, c] = [box.batcher('a'), box.batcher('b'), box.batcher('c')];
    for (const reply of [a, b, c]) reply.add('first', 1);
    a.add(' x', 1);
    vi.advanceTimersByTime(5);
    c.add(' z', 1);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(INTERVAL_MS - 5);
    expect(sent.slice(3)).toEqual([{ kind: 'batch', messages: [tokens('a', ' x', 1), tokens('c', ' z', 1)] }]);
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(4);
  });

  it("flushes one reply's text at once (before its result), leaving the others waiting", () => {
    const { sent, box } = outbox();
    const [a, b] = [box.batcher('a'), box.batcher('b')];
    a.add('A', 1);
    b.add('B', 1);
    a.add('a2', 1);
    b.add('b2', 1);
    a.flush();
    expect(sent.at(-1)).toEqual(tokens('a', 'a2', 1));
    a.flush();
    expect(sent).toHaveLength(3);
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(sent.at(-1)).toEqual(tokens('b', 'b2', 1));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends token counts even when a token produced no visible text yet', () => {
    const { sent, box } = outbox();
    box.batcher('a').add('', 1);
    expect(sent).toEqual([tokens('a', '', 1)]);
  });

  it('keeps each piece, with its log probabilities, inside one message when asked to', () => {
    const { sent, box } = outbox();
    const reply = box.batcher('a', true);
    const lp = (token: string) => ({ token, logprob: -1, bytes: [...Buffer.from(token)], top: [] });
    reply.add('A', 1, [lp('A')]);
    reply.add('b', 1, [lp('b')]);
    reply.add('cd', 2, [lp('c'), lp('d')]);
    vi.advanceTimersByTime(INTERVAL_MS);
    expect(sent).toEqual([
      { kind: 'tokens', requestId: 'a', text: 'A', tokenCount: 1, logprobs: [lp('A')] },
      {
        kind: 'tokens',
        requestId: 'a',
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
