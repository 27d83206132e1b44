import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatDetail, ChatReplyResult } from '../../../shared/chatDto';
import { fixtureModel } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import type { Core } from '../createCore';

// The KV cache across turns, through the whole core and a real engine with several sequences.
let core: Core;
let cleanup: () => Promise<void>;
const MODEL_ID = 'hearth-smollm2-135m-q4_0.gguf';
const call = <T>(method: string, args: unknown = {}) => core.dispatch(method, args, {}) as Promise<T>;

beforeAll(async () => {
  const test = await createTestCore();
  ({ core, cleanup } = test);
  await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' }), join(test.modelsDir, MODEL_ID));
  // Several sequences: a reply whose tokens no longer matched made an empty sequence look cheaper.
  await call('inference.loadModel', { modelId: MODEL_ID, contextSize: 2048, parallel: 2, force: true });
}, 180_000);
afterAll(() => cleanup());

describe('the cache across turns', () => {
  it('after replies cut by the token limit, the next message reuses the cached conversation', async () => {
    // A random model rarely writes its tokenizer's own spelling of its text: the case that lost the cache.
    const chat = await call<ChatDetail>('chats.create', { params: { temperature: 0.9, seed: 11, maxTokens: 120 } });
    let previous: ChatReplyResult | undefined;
    for (let turn = 0; turn < 3; turn++) {
      const result = await call<ChatReplyResult>('chats.send', { chatId: chat.id, content: `Tell me a long story, part ${turn}` });
      const stats = result.message.reply!.stats!;
      expect(stats.stopReason).toBe('length');
      if (previous) {
        const before = previous.message.reply!.stats!;
        // What the sequence held: the previous prompt and reply (its last token was sampled, never evaluated).
        const held = before.promptTokens + before.completionTokens - 1;
        expect(stats.cachedPromptTokens).toBeGreaterThanOrEqual(Math.floor(0.9 * held));
        expect(stats.cachedPromptTokens).toBeLessThan(stats.promptTokens);
      }
      previous = result;
    }
  }, 240_000);

  it('a stopped reply is reused the same way', async () => {
    const chat = await call<ChatDetail>('chats.create', { params: { temperature: 0.9, seed: 12, maxTokens: 100_000 } });
    let tokens = 0;
    const pending = core.dispatch('chats.send', { chatId: chat.id, content: 'Go on and on' }, {
      emit: (chunk: unknown) => {
        const c = chunk as { type: string; tokenCount?: number };
        if (c.type === 'tokens') tokens += c.tokenCount ?? 0;
      },
    }) as Promise<ChatReplyResult>;
    while (tokens < 40) await new Promise((resolve) => setTimeout(resolve, 50));
    await call('chats.stop', { chatId: chat.id });
    const first = (await pending).message.reply!.stats!;
    expect(first.stopReason).toBe('abort');
    const second = (await call<ChatReplyResult>('chats.send', { chatId: chat.id, content: 'And then?', params: { maxTokens: 8 } })).message.reply!.stats!;
    expect(second.cachedPromptTokens).toBeGreaterThanOrEqual(Math.floor(0.9 * (first.promptTokens + first.completionTokens - 1)));
  }, 240_000);
});
