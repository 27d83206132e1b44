import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/dto';
import { dropMore, estimateTokens, messagesToDrop, TEMPLATE_TOKENS } from './contextWindow';

/** `n` turns of `size`-byte messages (user, assistant, …), ending with a new user message. */
function turns(n: number, size: number): ChatMessage[] {
  const list: ChatMessage[] = [];
  for (let i = 0; i < n; i++) list.push({ role: 'user', content: 'u'.repeat(size) }, { role: 'assistant', content: 'a'.repeat(size) });
  list.push({ role: 'user', content: 'new question' });
  return list;
}
const system: ChatMessage = { role: 'system', content: 'Be brief.' };

describe('contextWindow', () => {
  it('estimates bytes / 3 plus the template per message', () => {
    expect(estimateTokens({ role: 'user', content: 'x'.repeat(30) })).toBe(10 + TEMPLATE_TOKENS);
    expect(estimateTokens({ role: 'user', content: 'é'.repeat(3) })).toBe(2 + TEMPLATE_TOKENS);
  });

  it('leaves nothing out when everything fits, or when the context size is unknown', () => {
    expect(messagesToDrop({ system, turns: turns(3, 30), contextSize: 4096, maxTokens: 1024, previouslyDropped: 0 })).toBe(0);
    expect(messagesToDrop({ system, turns: turns(300, 300), contextSize: null, maxTokens: 1024, previouslyDropped: 0 })).toBe(0);
  });

  it('drops whole turns, oldest first, keeping room for the reply and a further quarter free', () => {
    // 10 turns of (100 + 8) tokens a message: 2,160 + 13 + 12 tokens against a 1,024 context.
    const list = turns(10, 300);
    const dropped = messagesToDrop({ system, turns: list, contextSize: 1024, maxTokens: 1024, previouslyDropped: 0 });
    expect(dropped % 2).toBe(0);
    expect(list[dropped]!.role).toBe('user');
    const kept = list.slice(dropped).reduce((sum, m) => sum + estimateTokens(m), estimateTokens(system));
    // Budget 1,024 - 256 for the reply; dropping went on to 768 - 256 = 512.
    expect(kept).toBeLessThanOrEqual(512);
    expect(kept + 2 * 108).toBeGreaterThan(512);
  });

  it('never drops the new user message, however long it is', () => {
    const list = turns(2, 30);
    list[list.length - 1] = { role: 'user', content: 'q'.repeat(10_000) };
    expect(messagesToDrop({ system, turns: list, contextSize: 256, maxTokens: 1024, previouslyDropped: 0 })).toBe(list.length - 1);
    expect(dropMore(list, list.length - 1)).toBe(list.length - 1);
  });

  it('keeps out what the previous reply left out, so the prefix stays the same', () => {
    const list = turns(4, 30);
    expect(messagesToDrop({ system, turns: list, contextSize: 4096, maxTokens: 1024, previouslyDropped: 2 })).toBe(2);
    // A count that ends on an assistant message moves on to the next user message.
    expect(messagesToDrop({ system, turns: list, contextSize: 4096, maxTokens: 1024, previouslyDropped: 1 })).toBe(2);
  });

  it('calibrates the estimate with the size the engine reported for the previous reply', () => {
    const list = turns(4, 30);
    // Without calibration 4 turns of 18 tokens fit 256 - 64; the engine said they were 4x bigger.
    const base = { system, turns: list, contextSize: 256, maxTokens: 64, previouslyDropped: 0 };
    expect(messagesToDrop(base)).toBe(0);
    const estimated = list.slice(0, 8).reduce((sum, m) => sum + estimateTokens(m), estimateTokens(system));
    expect(messagesToDrop({ ...base, known: { from: 0, to: 8, tokens: estimated * 4 } })).toBeGreaterThan(0);
  });
});
