import { describe, expect, it } from 'vitest';
import { adaptedChunkSize, FIRST_PROMPT_CHUNK } from './promptChunks';

describe('prompt chunk size', () => {
  it('aims at ~200 ms per chunk: grows after a fast chunk, shrinks after a slow one', () => {
    expect(adaptedChunkSize(FIRST_PROMPT_CHUNK, 64, 50)).toBe(256);
    expect(adaptedChunkSize(256, 256, 800)).toBe(64);
  });

  it('stays within 16 and 512 tokens, and keeps its size when no time was measured', () => {
    expect(adaptedChunkSize(64, 64, 1)).toBe(512);
    expect(adaptedChunkSize(64, 16, 10_000)).toBe(16);
    expect(adaptedChunkSize(100, 64, 0)).toBe(100);
  });
});
