import { describe, expect, it } from 'vitest';
import type { GenerationStats } from '../../../../shared/dto';
import { describeProgress, formatStatsLine, statsTitle, stopReasonText } from './replyStats';

const stats: GenerationStats = {
  promptTokens: 412,
  cachedPromptTokens: 380,
  completionTokens: 312,
  queuedMs: 0,
  timeToFirstTokenMs: 179.6,
  totalMs: 7650,
  tokensPerSecond: 41.83,
  promptTokensPerSecond: 640,
  stopReason: 'eos',
};

describe('stopReasonText', () => {
  it('says how a reply ended in words', () => {
    expect(stopReasonText({ status: 'done', stopReason: 'eos' })).toBe('finished');
    expect(stopReasonText({ status: 'done', stopReason: 'length' })).toBe('length limit');
    expect(stopReasonText({ status: 'done', stopReason: 'stop' })).toBe('finished at a stop string');
    expect(stopReasonText({ status: 'stopped', stopReason: 'abort' })).toBe('stopped by you');
    expect(stopReasonText({ status: 'error', stopReason: 'error', error: 'The engine stopped unexpectedly' })).toBe('error: The engine stopped unexpectedly');
    expect(stopReasonText({ status: 'streaming' })).toBe('writing…');
    expect(stopReasonText({ status: 'error' })).toBe('error: unknown error');
  });
});

describe('formatStatsLine / statsTitle', () => {
  it('reads "312 tokens · 41.8 tok/s · 180 ms"', () => {
    expect(formatStatsLine(stats)).toBe('312 tokens · 41.8 tok/s · 180 ms');
    expect(formatStatsLine({ ...stats, completionTokens: 1 })).toMatch(/^1 token · /);
  });

  it('names every figure on hover, with the prompt tokens reused from the previous turn', () => {
    const title = statsTitle(stats);
    expect(title).toContain('Time to first token: 180 ms');
    expect(title).toContain('Prompt: 412 tokens, 380 reused from the previous turn, read at 640.0 tok/s');
    expect(title).toContain('Total time: 7650 ms');
    expect(title).not.toContain('Waited in line');
    expect(statsTitle({ ...stats, queuedMs: 1200 })).toContain('Waited in line: 1200 ms');
  });
});

describe('describeProgress', () => {
  it('says where a reply without text is', () => {
    expect(describeProgress({ kind: 'queued', position: 1 })).toBe('Waiting for a free slot: next in line…');
    expect(describeProgress({ kind: 'queued', position: 3 })).toBe('Waiting for a free slot: 3 in line…');
    expect(describeProgress({ kind: 'prompt', processed: 40, total: 100 })).toBe('Reading the conversation: 40 % (40 of 100 tokens)');
  });
});
