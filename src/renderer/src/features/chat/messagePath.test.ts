import { describe, expect, it } from 'vitest';
import type { ChatDetail, ChatMessageNode } from '../../../../shared/chatDto';
import type { GenerationStats } from '../../../../shared/dto';
import { pathRows } from './messagePath';

const stats = (promptTokens: number, completionTokens: number): GenerationStats => ({
  promptTokens,
  cachedPromptTokens: 0,
  completionTokens,
  queuedMs: 0,
  timeToFirstTokenMs: 10,
  totalMs: 100,
  tokensPerSecond: 10,
  promptTokensPerSecond: 100,
  stopReason: 'eos',
});

function node(id: string, parentId: string | null, role: 'user' | 'assistant', withStats?: GenerationStats): ChatMessageNode {
  return {
    id,
    parentId,
    role,
    content: id,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...(role === 'assistant' ? { reply: { modelId: 'm', params: {}, status: 'done' as const, stopReason: 'eos' as const, stats: withStats } } : {}),
  };
}

// u1 → a1 (regenerated as a1b, a1c) ; u1 edited as u1b → a2
const messages = [
  node('u1', null, 'user'),
  node('a1', 'u1', 'assistant', stats(10, 5)),
  node('a1b', 'u1', 'assistant', stats(10, 7)),
  node('u1b', null, 'user'),
  node('a2', 'u1b', 'assistant'),
  node('a1c', 'u1', 'assistant'),
  node('u2', 'a1b', 'user'),
];

const detail = (activePath: string[]): Pick<ChatDetail, 'messages' | 'activePath'> => ({ messages, activePath });

describe('pathRows', () => {
  it('lists the active path with each message’s place among its versions', () => {
    const rows = pathRows(detail(['u1', 'a1b', 'u2']));
    expect(rows.map((r) => r.message.id)).toEqual(['u1', 'a1b', 'u2']);
    expect(rows[0]!.versions).toEqual({ index: 1, count: 2, previousId: null, nextId: 'u1b' });
    expect(rows[1]!.versions).toEqual({ index: 2, count: 3, previousId: 'a1', nextId: 'a1c' });
    expect(rows[2]!.versions).toBeNull();
  });

  it('counts an edited first message and the last version', () => {
    const rows = pathRows(detail(['u1b', 'a2']));
    expect(rows[0]!.versions).toEqual({ index: 2, count: 2, previousId: 'u1', nextId: null });
    expect(pathRows(detail(['u1', 'a1c']))[1]!.versions).toMatchObject({ index: 3, nextId: null, previousId: 'a1b' });
  });

  it('skips ids that are not in the conversation', () => {
    expect(pathRows(detail(['u1', 'gone'])).map((r) => r.message.id)).toEqual(['u1']);
  });

  it('builds 2,000 rows quickly', () => {
    const long: ChatMessageNode[] = [];
    let parent: string | null = null;
    for (let i = 0; i < 2000; i++) {
      const message = node(`m${i}`, parent, i % 2 ? 'assistant' : 'user');
      long.push(message);
      parent = message.id;
    }
    const started = performance.now();
    expect(pathRows({ messages: long, activePath: long.map((m) => m.id) })).toHaveLength(2000);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
