import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatDetail, ChatReplyResult } from '../../../shared/chatDto';
import { fixtureModel } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import type { Core } from '../createCore';

// A conversation longer than a small context, through the whole core and a real engine.
let core: Core;
let cleanup: () => Promise<void>;
const MODEL_ID = 'hearth-smollm2-135m-q4_0.gguf';
const CONTEXT = 256;
const call = <T>(method: string, args: unknown = {}) => core.dispatch(method, args, {}) as Promise<T>;

beforeAll(async () => {
  const test = await createTestCore();
  ({ core, cleanup } = test);
  await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' }), join(test.modelsDir, MODEL_ID));
  await call('inference.loadModel', { modelId: MODEL_ID, contextSize: CONTEXT, parallel: 1, force: true });
});
afterAll(() => cleanup());

describe('a chat longer than the context', () => {
  it('leaves out the oldest turns, keeps the system prompt and the new message, and says how many', async () => {
    const chat = await call<ChatDetail>('chats.create', { systemPrompt: 'You are terse.', params: { temperature: 0, maxTokens: 16 } });
    const long = (i: number) => `Message ${i}: ${'the quick brown fox jumps over the lazy dog '.repeat(6)}`;
    const replies: ChatReplyResult[] = [];
    for (let i = 0; i < 6; i++) replies.push(await call<ChatReplyResult>('chats.send', { chatId: chat.id, content: long(i) }));
    for (const result of replies) expect(result.message.reply!.status).toBe('done');
    const dropped = replies.map((r) => r.message.reply!.droppedMessages ?? 0);
    // Each message is ~60 tokens: by the third turn the start no longer fits 256 - 16.
    expect(dropped[0]).toBe(0);
    expect(dropped.at(-1)).toBeGreaterThan(0);
    expect(dropped.at(-1)! % 2).toBe(0);
    // What was read always fitted the context, with the reply.
    for (const result of replies) {
      const stats = result.message.reply!.stats!;
      expect(stats.promptTokens + stats.completionTokens).toBeLessThanOrEqual(CONTEXT);
    }
    const detail = await call<ChatDetail>('chats.get', { chatId: chat.id });
    expect(detail.context.contextSize).toBe(CONTEXT);
    expect(detail.context.usedTokens).toBeGreaterThan(0);
    expect(detail.context.usedTokens).toBeLessThanOrEqual(CONTEXT);
    // All messages are still in the chat; only what the model read was shortened.
    expect(detail.activePath).toHaveLength(12);
  });

  it('a single message longer than the context fails with CONTEXT_OVERFLOW and is kept with the error', async () => {
    const chat = await call<ChatDetail>('chats.create', {});
    await expect(call('chats.send', { chatId: chat.id, content: 'word '.repeat(400) })).rejects.toMatchObject({ code: 'CONTEXT_OVERFLOW' });
    const detail = await call<ChatDetail>('chats.get', { chatId: chat.id });
    expect(detail.messages.at(-1)!.reply).toMatchObject({ status: 'error' });
  });
});
