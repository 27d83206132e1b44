import { describe, expect, it } from 'vitest';
import type { GenerationStats } from '../../../../shared/dto';
import { applyTokenBatch, failReply, finishReply, mergeTokens, setReplyProgress, toHistory, type TokenBatch, type UiMessage } from './chatReducer';
import { createTokenBuffer } from './tokenBuffer';

const stats: GenerationStats = {
  promptTokens: 12,
  cachedPromptTokens: 0,
  completionTokens: 5,
  queuedMs: 0,
  timeToFirstTokenMs: 40,
  totalMs: 90,
  tokensPerSecond: 100,
  promptTokensPerSecond: 300,
  stopReason: 'eos',
};

function conversation(): UiMessage[] {
  return [
    { id: 'u1', role: 'user', content: 'Hi' },
    { id: 'a1', role: 'assistant', content: 'Hello', requestId: 'r1', stats },
    { id: 'u2', role: 'user', content: 'More' },
    { id: 'a2', role: 'assistant', content: '', requestId: 'r2', streaming: true },
  ];
}

describe('mergeTokens', () => {
  it('concatenates text per request in arrival order', () => {
    const batch: TokenBatch = new Map();
    mergeTokens(batch, 'r1', 'Hel');
    mergeTokens(batch, 'r2', 'x');
    mergeTokens(batch, 'r1', 'lo');
    expect([...batch]).toEqual([
      ['r1', 'Hello'],
      ['r2', 'x'],
    ]);
  });

  it('ignores empty text', () => {
    const batch: TokenBatch = new Map();
    mergeTokens(batch, 'r1', '');
    expect(batch.size).toBe(0);
  });
});

describe('applyTokenBatch', () => {
  it('appends text to the streaming reply and leaves other messages untouched', () => {
    const before = conversation();
    const after = applyTokenBatch(before, new Map([['r2', 'Sure, ']]));
    const again = applyTokenBatch(after, new Map([['r2', 'here.']]));
    expect(again[3]!.content).toBe('Sure, here.');
    expect(again[3]!.streaming).toBe(true);
    // Unchanged messages keep their identity, so memoised rows do not re-render.
    expect(again[0]).toBe(before[0]);
    expect(again[1]).toBe(before[1]);
  });

  it('returns the same array when nothing applies', () => {
    const before = conversation();
    expect(applyTokenBatch(before, new Map())).toBe(before);
    expect(applyTokenBatch(before, new Map([['unknown', 'x']]))).toBe(before);
  });

  it('drops late text for a reply its result already finished', () => {
    const before = conversation();
    expect(applyTokenBatch(before, new Map([['r1', ' again']]))).toBe(before);
  });

  it('keeps late text for a failed reply (it was generated before the failure)', () => {
    const failed = failReply(applyTokenBatch(conversation(), new Map([['r2', 'Part']])), 'r2', 'Engine crashed');
    const after = applyTokenBatch(failed, new Map([['r2', 'ial']]));
    expect(after[3]).toMatchObject({ content: 'Partial', error: 'Engine crashed', streaming: false });
  });
});

describe('finishReply / failReply', () => {
  it('replaces streamed text with the result text and adds stats', () => {
    const streamed = applyTokenBatch(conversation(), new Map([['r2', 'Sur']]));
    const done = finishReply(streamed, { requestId: 'r2', text: 'Sure.', stats });
    expect(done[3]).toMatchObject({ content: 'Sure.', stats, streaming: false });
    expect(done[3]!.error).toBeUndefined();
  });

  it('keeps partial text and records the error verbatim', () => {
    const streamed = applyTokenBatch(conversation(), new Map([['r2', 'Half a rep']]));
    const failed = failReply(streamed, 'r2', 'The engine process crashed (SIGABRT). Load the model again.');
    expect(failed[3]).toMatchObject({
      content: 'Half a rep',
      error: 'The engine process crashed (SIGABRT). Load the model again.',
      streaming: false,
    });
  });

  it('ignores results for requests no longer in the conversation (after New chat)', () => {
    const empty: UiMessage[] = [];
    expect(finishReply(empty, { requestId: 'r9', text: 'x', stats })).toBe(empty);
    expect(failReply(empty, 'r9', 'x')).toBe(empty);
  });
});

describe('toHistory', () => {
  it('sends every message as role and content, in order', () => {
    const messages = conversation().slice(0, 3);
    expect(toHistory(messages)).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'More' },
    ]);
  });

  it('leaves out failed and empty replies', () => {
    const messages: UiMessage[] = [
      { id: 'u1', role: 'user', content: 'Hi' },
      { id: 'a1', role: 'assistant', content: 'Hal', requestId: 'r1', error: 'crashed' },
      { id: 'u2', role: 'user', content: 'Again' },
      { id: 'a2', role: 'assistant', content: '  ', requestId: 'r2', stats },
      { id: 'u3', role: 'user', content: 'Third' },
    ];
    expect(toHistory(messages)).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'user', content: 'Again' },
      { role: 'user', content: 'Third' },
    ]);
  });

  it('keeps a reply the user stopped (it has stats, no error)', () => {
    const messages: UiMessage[] = [
      { id: 'u1', role: 'user', content: 'Hi' },
      { id: 'a1', role: 'assistant', content: 'Partial', requestId: 'r1', stats: { ...stats, stopReason: 'abort' } },
    ];
    expect(toHistory(messages)).toHaveLength(2);
  });
});

describe('createTokenBuffer', () => {
  function manualScheduler() {
    const queued: (() => void)[] = [];
    return {
      schedule: (callback: () => void) => queued.push(callback),
      runFrame: () => queued.splice(0).forEach((callback) => callback()),
      get pending() {
        return queued.length;
      },
    };
  }

  it('delivers all tokens of one frame in a single batch', () => {
    const frames = manualScheduler();
    const delivered: [string, string][][] = [];
    const buffer = createTokenBuffer(frames.schedule, (batch) => delivered.push([...batch]));
    buffer.push('r1', 'a');
    buffer.push('r1', 'b');
    buffer.push('r2', 'x');
    buffer.push('r1', 'c');
    expect(frames.pending).toBe(1);
    expect(delivered).toHaveLength(0);
    frames.runFrame();
    expect(delivered).toEqual([
      [
        ['r1', 'abc'],
        ['r2', 'x'],
      ],
    ]);
  });

  it('starts a new batch after each frame and schedules nothing when idle', () => {
    const frames = manualScheduler();
    const delivered: [string, string][][] = [];
    const buffer = createTokenBuffer(frames.schedule, (batch) => delivered.push([...batch]));
    buffer.push('r1', 'a');
    frames.runFrame();
    expect(frames.pending).toBe(0);
    buffer.push('r1', 'b');
    frames.runFrame();
    expect(delivered).toEqual([[['r1', 'a']], [['r1', 'b']]]);
    buffer.push('r1', '');
    expect(frames.pending).toBe(0);
  });

  it('flushes on demand', () => {
    const frames = manualScheduler();
    const delivered: [string, string][][] = [];
    const buffer = createTokenBuffer(frames.schedule, (batch) => delivered.push([...batch]));
    buffer.push('r1', 'now');
    buffer.flush();
    expect(delivered).toEqual([[['r1', 'now']]]);
    frames.runFrame();
    expect(delivered).toHaveLength(1);
  });

  it('feeds the reducer: a frame of tokens becomes one update of the streaming reply', () => {
    const frames = manualScheduler();
    let messages = conversation();
    let updates = 0;
    const buffer = createTokenBuffer(frames.schedule, (batch) => {
      updates++;
      messages = applyTokenBatch(messages, batch);
    });
    for (const piece of ['The', ' quick', ' fox']) buffer.push('r2', piece);
    frames.runFrame();
    expect(updates).toBe(1);
    expect(messages[3]!.content).toBe('The quick fox');
  });

  it('shows queue and prompt progress until the first text arrives, then forgets it', () => {
    const start: UiMessage[] = [{ id: 'a', role: 'assistant', content: '', requestId: 'r', streaming: true }];
    const queued = setReplyProgress(start, 'r', { kind: 'queued', position: 2 });
    expect(queued[0]!.progress).toEqual({ kind: 'queued', position: 2 });
    const reading = setReplyProgress(queued, 'r', { kind: 'prompt', processed: 40, total: 100 });
    expect(reading[0]!.progress).toEqual({ kind: 'prompt', processed: 40, total: 100 });
    const texted = applyTokenBatch(reading, new Map([['r', 'Hi']]));
    expect(texted[0]).toMatchObject({ content: 'Hi', progress: undefined });
    // Late progress for a reply that already has text changes nothing.
    expect(setReplyProgress(texted, 'r', { kind: 'prompt', processed: 100, total: 100 })).toBe(texted);
  });
});
