import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatDetail, ChatReplyChunk, ChatReplyResult } from '../../../shared/chatDto';
import type { InferenceState } from '../../../shared/dto';
import { fixtureModel } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import type { Core } from '../createCore';

// Two chats on two resident models through the whole core: real engine processes, generated models.
let core: Core;
let cleanup: () => Promise<void>;
/** Tens of tokens/s on one thread: its reply outlasts the tiny model's whole reply. */
const SLOW_ID = 'hearth-smollm2-135m-q4_0.gguf';
const TINY_ID = 'hearth-tiny-q4_0.gguf';
const call = <T>(method: string, args: unknown = {}, emit?: (chunk: ChatReplyChunk) => void) =>
  core.dispatch(method, args, emit ? { emit: emit as (chunk: unknown) => void } : {}) as Promise<T>;

beforeAll(async () => {
  const test = await createTestCore();
  ({ core, cleanup } = test);
  await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' }), join(test.modelsDir, SLOW_ID));
  await copyFile(await fixtureModel({ preset: 'tiny', type: 'Q4_0' }), join(test.modelsDir, TINY_ID));
  await call('inference.loadModel', { modelId: SLOW_ID, contextSize: 2048 });
  await call('inference.loadModel', { modelId: TINY_ID, contextSize: 512 });
}, 120_000);
afterAll(() => cleanup());

describe('each chat keeps its own model (real engines)', () => {
  it('two chats on two models stream at the same time, each reply written by its chat\'s model, each with its own context size', async () => {
    // The tiny model was loaded last, so it is primary: a chat without a model takes it at its first reply.
    expect(core.fleet.primary?.modelId).toBe(TINY_ID);
    const tinyChat = await call<ChatDetail>('chats.create', {});
    expect(tinyChat.context.contextSize).toBe(512);
    const first = await call<ChatReplyResult>('chats.send', { chatId: tinyChat.id, content: 'Hi', params: { maxTokens: 8 } });
    expect(first.message.reply!.modelId).toBe(TINY_ID);
    const slowChat = await call<ChatDetail>('chats.create', { modelId: SLOW_ID });
    expect(slowChat.context.contextSize).toBe(2048);

    let slowText = '';
    let slowEnded = false;
    const slow = call<ChatReplyResult>('chats.send', { chatId: slowChat.id, content: 'Tell me a long story', params: { maxTokens: 100_000 } }, (c) => {
      if (c.type === 'tokens') slowText += c.text;
    }).finally(() => (slowEnded = true));
    await expect.poll(() => slowText.length, { timeout: 60_000 }).toBeGreaterThan(0);

    // The slow model is the most recently used now (primary); the tiny chat stays on its model, and
    // its whole reply streams while the slow one is still being written.
    expect(core.fleet.primary?.modelId).toBe(SLOW_ID);
    let tinyText = '';
    const tiny = await call<ChatReplyResult>('chats.send', { chatId: tinyChat.id, content: 'And you?', params: { maxTokens: 200 } }, (c) => {
      if (c.type === 'tokens') tinyText += c.text;
    });
    expect(tinyText.length).toBeGreaterThan(0);
    expect(slowEnded).toBe(false);
    const state = await call<InferenceState>('inference.getState');
    expect(state.models.find((m) => m.modelId === SLOW_ID)?.activeRequests).toBe(1);

    await call('chats.stop', { chatId: slowChat.id });
    const slowResult = await slow;
    expect(slowResult.message.reply!.modelId).toBe(SLOW_ID);
    expect(tiny.message.reply).toMatchObject({ modelId: TINY_ID, status: 'done' });
    expect((await call<ChatDetail>('chats.get', { chatId: tinyChat.id })).modelId).toBe(TINY_ID);

    // Loading the slow model again (new settings) keeps it primary; the tiny chat still answers with the tiny model.
    await call('chats.setModel', { chatId: slowChat.id, modelId: TINY_ID });
    await call('inference.loadModel', { modelId: SLOW_ID, contextSize: 1024 });
    expect(core.fleet.primary?.modelId).toBe(SLOW_ID);
    expect((await call<ChatDetail>('chats.get', { chatId: tinyChat.id })).context.contextSize).toBe(512);
    const again = await call<ChatReplyResult>('chats.send', { chatId: tinyChat.id, content: 'Still you?', params: { maxTokens: 8 } });
    expect(again.message.reply!.modelId).toBe(TINY_ID);
    const switched = await call<ChatReplyResult>('chats.send', { chatId: slowChat.id, content: 'Now tiny', params: { maxTokens: 8 } });
    expect(switched.message.reply!.modelId).toBe(TINY_ID);

    // Unloaded: the chat on it is refused with the model's name, and it is not loaded again behind the user's back.
    await call('inference.unloadModel', { modelId: TINY_ID });
    await expect(call('chats.send', { chatId: tinyChat.id, content: 'Hello?' })).rejects.toMatchObject({ code: 'MODEL_NOT_LOADED', message: expect.stringMatching(/^Load .+ to continue this chat, or pick a loaded model\.$/) });
    expect(core.fleet.resident(TINY_ID)).toBeUndefined();
  }, 180_000);
});
