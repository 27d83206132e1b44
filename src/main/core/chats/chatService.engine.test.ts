import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatChanged, ChatDetail, ChatReplyChunk, ChatReplyResult } from '../../../shared/chatDto';
import type { Preset } from '../../../shared/presets';
import { fixtureModel } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import type { Core } from '../createCore';
import { EventBus } from '../events/eventBus';
import { silentLogger } from '../logging/logger';
import { parseConversation } from './chatFile';
import { ChatService } from './chatService';

// Chats through the whole core (dispatcher, real engine process, generated model, files on disk).
let core: Core;
let dataDir: string;
let cleanup: () => Promise<void>;
/** A model slow enough on one thread (tens of tokens/s) for a reply to outlast a checkpoint. */
const SLOW_ID = 'hearth-smollm2-135m-q4_0.gguf';
const changes: ChatChanged[] = [];
const call = <T>(method: string, args: unknown = {}, emit?: (chunk: ChatReplyChunk) => void) =>
  core.dispatch(method, args, emit ? { emit: emit as (chunk: unknown) => void } : {}) as Promise<T>;
const readChat = async (id: string) => parseConversation(await readFile(join(dataDir, 'chats', `${id}.json`), 'utf8'));

beforeAll(async () => {
  const test = await createTestCore();
  ({ core, dataDir, cleanup } = test);
  await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' }), join(test.modelsDir, SLOW_ID));
  core.events.subscribe((name, payload) => name === 'chats.changed' && changes.push(payload as ChatChanged));
  // One model for every test: a second load would cost more than the short replies it would save.
  await call('inference.loadModel', { modelId: SLOW_ID, contextSize: 1024 });
});
afterAll(() => cleanup());

describe('chats with a real engine', () => {
  it('a reply is streamed to the caller, stored with model and stats, and a new service over the same folder sees it', async () => {
    const chat = await call<ChatDetail>('chats.create', { systemPrompt: 'You are a test.', params: { temperature: 0.7, seed: 5 } });
    const chunks: ChatReplyChunk[] = [];
    const result = await call<ChatReplyResult>('chats.send', { chatId: chat.id, content: 'Tell me a story', params: { maxTokens: 24 } }, (c) => chunks.push(c));
    const reply = result.message;
    expect(chunks[0]).toMatchObject({ type: 'started', messageId: reply.id });
    expect(chunks.flatMap((c) => (c.type === 'tokens' ? [c.text] : [])).join('')).toBe(reply.content);
    expect(reply.reply).toMatchObject({ modelId: core.fleet.primary!.modelId, status: 'done', params: { temperature: 0.7, seed: 5, maxTokens: 24 } });
    const stats = reply.reply!.stats!;
    expect(stats.promptTokens).toBeGreaterThan(0);
    expect(stats.completionTokens).toBeGreaterThan(0);
    expect(stats.completionTokens).toBeLessThanOrEqual(24);
    expect(stats.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(['eos', 'length']).toContain(stats.stopReason);
    expect(reply.reply!.stopReason).toBe(stats.stopReason);

    const stored = await readChat(chat.id);
    expect(stored.messages.at(-1)).toEqual(reply);
    expect(stored.title).toBe('Tell me a story');
    // Every window hears which chat changed, never the text.
    expect(changes.some((c) => c.chatId === chat.id)).toBe(true);
    expect(JSON.stringify(changes)).not.toContain(reply.content.slice(0, 12));

    const reloaded = await ChatService.open({ dataDir, generate: () => Promise.reject(new Error('unused')), residentModel: (id) => core.fleet.resident(id), primaryModelId: () => null, events: new EventBus(), logger: silentLogger });
    expect(reloaded.get(chat.id)).toEqual(await call<ChatDetail>('chats.get', { chatId: chat.id }));
    expect(reloaded.list().chats.find((c) => c.id === chat.id)).toMatchObject({ messageCount: 2, modelId: core.fleet.primary!.modelId });
    await reloaded.dispose();
  });

  it('a long reply is checkpointed to disk before it ends, and stopping it keeps the text so far', async () => {
    const chat = await call<ChatDetail>('chats.create', {});
    let streamed = '';
    const started = performance.now();
    const pending = call<ChatReplyResult>('chats.send', { chatId: chat.id, content: 'go on', params: { maxTokens: 100_000, temperature: 0.8, seed: 9 } }, (c) => {
      if (c.type === 'tokens') streamed += c.text;
    });
    let midway: string | undefined;
    while (performance.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const last = (await readChat(chat.id)).messages.at(-1)!;
      if (last.role === 'assistant' && last.content.length > 0) {
        expect(last.reply!.status).toBe('streaming');
        midway = last.content;
        break;
      }
    }
    expect(midway).toBeDefined();
    expect(streamed.startsWith(midway!)).toBe(true);
    await expect(call('chats.stop', { chatId: chat.id })).resolves.toEqual({ stopped: true });
    const result = await pending;
    // Stopped by the user, or it ran into the end of the context first: either way kept whole.
    expect(['abort', 'length']).toContain(result.message.reply!.stopReason);
    expect(result.message.content.startsWith(midway!)).toBe(true);
    expect((await readChat(chat.id)).messages.at(-1)).toEqual(result.message);
  });

  it('a chat with the JSON extraction preset\'s schema gets JSON of that shape from the engine, checked and stored', async () => {
    const preset = (await call<Preset[]>('presets.list')).find((p) => p.name === 'JSON extraction')!;
    const chat = await call<ChatDetail>('chats.create', { systemPrompt: preset.systemPrompt, params: preset.params, responseFormat: preset.responseFormat });
    const result = await call<ChatReplyResult>('chats.send', { chatId: chat.id, content: 'Oats', params: { maxTokens: 400 } });
    const reply = result.message;
    expect(reply.reply).toMatchObject({ responseFormat: preset.responseFormat, json: { valid: true } });
    const parsed = JSON.parse(reply.content) as Record<string, unknown>;
    for (const key of ['protein', 'carbohydrates', 'fats', 'calories', 'sugar', 'fiber']) expect(typeof parsed[key]).toBe('number');
    expect((await readChat(chat.id)).messages.at(-1)!.reply!.json).toEqual({ valid: true });
    // What the context holds after the reply: its prompt and its text, out of the loaded 1,024.
    const detail = await call<ChatDetail>('chats.get', { chatId: chat.id });
    expect(detail.context).toEqual({ usedTokens: reply.reply!.stats!.promptTokens + reply.reply!.stats!.completionTokens, contextSize: 1024 });
  });

  it('the dispatcher refuses ids that are not chat ids and unknown chats', async () => {
    await expect(call('chats.get', { chatId: '../../settings' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('chats.get', { chatId: 'no-such-chat' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call('chats.import', { text: '{"id":1}' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
