import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatReplyChunk, Conversation } from '../../../shared/chatDto';
import { chatCreateArgsSchema, chatSetModelArgsSchema } from '../../../shared/chatSchemas';
import type { CallContext } from '../../../shared/contract';
import { scriptedGenerate } from '../../testing/chatFixtures';
import { EventBus } from '../events/eventBus';
import { silentLogger } from '../logging/logger';
import { parseConversation } from './chatFile';
import { ChatService, type ChatServiceOptions } from './chatService';
import { residentModels } from './chatTestModels';

// Each chat keeps its own model: with a plain function for inference and a stand-in for the fleet.
let dataDir: string;
const open: ChatService[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-chatmodels-'));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.dispose()));
  await rm(dataDir, { recursive: true, force: true });
});

async function openService(models: ReturnType<typeof residentModels>, generate: ChatServiceOptions['generate'] = scriptedGenerate().generate) {
  const service = await ChatService.open({ dataDir, generate, ...models, events: new EventBus(), logger: silentLogger });
  open.push(service);
  return service;
}
const caller = (chunks: ChatReplyChunk[] = []): CallContext<ChatReplyChunk> => ({ signal: new AbortController().signal, emit: (c) => chunks.push(c) });
const fileOf = async (chatId: string): Promise<Conversation> => parseConversation(await readFile(join(dataDir, 'chats', `${chatId}.json`), 'utf8'));

describe('ChatService: each chat keeps its own model', () => {
  it('a chat without a model replies with the primary one and keeps it after another model becomes primary', async () => {
    const models = residentModels('a.gguf', 'b.gguf');
    const { generate, calls } = scriptedGenerate();
    const service = await openService(models, generate);
    const chat = await service.create({});
    expect(chat.modelId).toBeUndefined();
    expect(service.list().chats[0]!.modelId).toBeNull();

    const first = await service.send({ chatId: chat.id, content: 'hello' }, caller());
    expect(first.message.reply!.modelId).toBe('a.gguf');
    expect(calls[0]!.modelId).toBe('a.gguf');
    expect(service.get(chat.id)).toMatchObject({ modelId: 'a.gguf', modelName: 'Model a.gguf' });
    expect(await fileOf(chat.id)).toMatchObject({ modelId: 'a.gguf', modelName: 'Model a.gguf' });

    // The user loads b for another chat: b is primary now, this chat stays on a.
    models.primary = 'b.gguf';
    const second = await service.send({ chatId: chat.id, content: 'again' }, caller());
    expect(second.message.reply!.modelId).toBe('a.gguf');
    expect(calls[1]!.modelId).toBe('a.gguf');
    // A new chat takes the new primary.
    const other = await service.create({});
    expect((await service.send({ chatId: other.id, content: 'hi' }, caller())).message.reply!.modelId).toBe('b.gguf');
    expect(service.list().chats.map((c) => [c.id, c.modelId])).toEqual(expect.arrayContaining([[chat.id, 'a.gguf'], [other.id, 'b.gguf']]));
  });

  it('a chat whose model is not resident is refused with a message naming it, and nothing is added; it is never loaded silently', async () => {
    const models = residentModels('a.gguf', 'b.gguf');
    const { generate, calls } = scriptedGenerate();
    const service = await openService(models, generate);
    const chat = await service.create({});
    await service.send({ chatId: chat.id, content: 'hello' }, caller());
    models.resident.delete('a.gguf');
    const before = service.get(chat.id);
    const refused = service.send({ chatId: chat.id, content: 'still there?' }, caller());
    await expect(refused).rejects.toMatchObject({ code: 'MODEL_NOT_LOADED', message: 'Load Model a.gguf to continue this chat, or pick a loaded model.' });
    expect(calls).toHaveLength(1);
    expect(service.get(chat.id).messages).toEqual(before.messages);
    expect(service.get(chat.id).context.contextSize).toBeNull();
    // Regenerate and edit are refused the same way.
    await expect(service.regenerate({ chatId: chat.id }, caller())).rejects.toMatchObject({ code: 'MODEL_NOT_LOADED' });

    // Picking a loaded model continues the chat on it.
    await service.setModel({ chatId: chat.id, modelId: 'b.gguf' });
    expect((await service.send({ chatId: chat.id, content: 'with b' }, caller())).message.reply!.modelId).toBe('b.gguf');

    // Nothing resident at all: the old message.
    models.resident.clear();
    const fresh = await service.create({});
    await expect(service.send({ chatId: fresh.id, content: 'x' }, caller())).rejects.toMatchObject({ code: 'MODEL_NOT_LOADED', message: 'No model is loaded. Load a model first.' });
  });

  it('setModel and create choose the model, kept on disk; a model not resident is named by its file', async () => {
    const models = residentModels('a.gguf', 'pub/repo/b-q4_0.gguf');
    models.contextSize('pub/repo/b-q4_0.gguf', 2048);
    const service = await openService(models);
    const chat = await service.create({ modelId: 'pub/repo/b-q4_0.gguf' });
    expect(chat).toMatchObject({ modelId: 'pub/repo/b-q4_0.gguf', modelName: 'Model pub/repo/b-q4_0.gguf', context: { contextSize: 2048 } });
    const set = await service.setModel({ chatId: chat.id, modelId: 'pub/repo/c-q8_0.gguf' });
    expect(set).toMatchObject({ modelId: 'pub/repo/c-q8_0.gguf', modelName: 'c-q8_0', context: { contextSize: null } });
    await expect(service.send({ chatId: chat.id, content: 'x' }, caller())).rejects.toThrow('Load c-q8_0 to continue this chat, or pick a loaded model.');
    expect(await fileOf(chat.id)).toMatchObject({ modelId: 'pub/repo/c-q8_0.gguf' });
    await expect(service.setModel({ chatId: 'nope', modelId: 'a.gguf' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Read back after a restart.
    await service.dispose();
    const again = await openService(models);
    expect(again.get(chat.id).modelId).toBe('pub/repo/c-q8_0.gguf');
    expect(again.list().chats[0]!.modelId).toBe('pub/repo/c-q8_0.gguf');
  });

  it('the context size is the chat\'s own model\'s, and it limits what the model reads', async () => {
    const models = residentModels('big.gguf', 'small.gguf');
    models.contextSize('big.gguf', 100_000);
    models.contextSize('small.gguf', 256);
    const { generate, calls } = scriptedGenerate();
    const service = await openService(models, generate);
    const big = await service.create({ modelId: 'big.gguf' });
    const small = await service.create({ modelId: 'small.gguf' });
    expect(service.get(big.id).context.contextSize).toBe(100_000);
    expect(service.get(small.id).context.contextSize).toBe(256);
    const long = 'word '.repeat(150);
    for (const chat of [big, small]) {
      for (let i = 0; i < 4; i++) await service.send({ chatId: chat.id, content: `${i} ${long}`, params: { maxTokens: 16 } }, caller());
    }
    const [bigLast, smallLast] = [calls[3]!, calls[7]!];
    expect(bigLast.modelId).toBe('big.gguf');
    expect(bigLast.messages.filter((m) => m.role === 'user')).toHaveLength(4);
    // 256 tokens hold about one such message: the oldest turns are left out for the small model only.
    expect(smallLast.modelId).toBe('small.gguf');
    expect(smallLast.messages.filter((m) => m.role === 'user').length).toBeLessThan(4);
  });

  it('two chats on two models reply at the same time, each on its own model', async () => {
    const models = residentModels('a.gguf', 'b.gguf');
    let running = 0;
    let most = 0;
    const scripted = scriptedGenerate({ words: Array.from({ length: 20 }, (_, i) => `w${i} `), delayMs: 5 });
    const service = await openService(models, async (args, c) => {
      most = Math.max(most, ++running);
      try {
        return await scripted.generate(args, c);
      } finally {
        running--;
      }
    });
    const a = await service.create({ modelId: 'a.gguf' });
    const b = await service.create({ modelId: 'b.gguf' });
    const [ra, rb] = await Promise.all([service.send({ chatId: a.id, content: 'on a' }, caller()), service.send({ chatId: b.id, content: 'on b' }, caller())]);
    expect(most).toBe(2);
    expect([ra.message.reply!.modelId, rb.message.reply!.modelId]).toEqual(['a.gguf', 'b.gguf']);
    expect(scripted.calls.map((c) => c.modelId).sort()).toEqual(['a.gguf', 'b.gguf']);
  });

  it('a chat file without a model (written before chats kept one) reads as it is; the fields are validated', async () => {
    const models = residentModels('a.gguf');
    const service = await openService(models);
    const chat = await service.create({});
    await service.dispose();
    const text = await readFile(join(dataDir, 'chats', `${chat.id}.json`), 'utf8');
    expect(JSON.parse(text)).not.toHaveProperty('modelId');
    expect(parseConversation(text).modelId).toBeUndefined();
    expect(parseConversation(JSON.stringify({ ...JSON.parse(text), modelId: 'x.gguf', modelName: 'X' }))).toMatchObject({ modelId: 'x.gguf', modelName: 'X' });
    expect(() => parseConversation(JSON.stringify({ ...JSON.parse(text), modelId: 42 }))).toThrow(/modelId/);
    await writeFile(join(dataDir, 'chats', `${chat.id}.json`), JSON.stringify({ ...JSON.parse(text), modelId: 'x.gguf' }));
    const again = await openService(models);
    expect(again.get(chat.id).modelId).toBe('x.gguf');
    expect(again.list().quarantined).toEqual([]);
  });

  it('the arguments are checked: a model id is required, and create takes one', () => {
    expect(chatSetModelArgsSchema.safeParse({ chatId: 'c1', modelId: 'a.gguf' }).success).toBe(true);
    expect(chatSetModelArgsSchema.safeParse({ chatId: 'c1' }).success).toBe(false);
    expect(chatSetModelArgsSchema.safeParse({ chatId: 'c1', modelId: '' }).success).toBe(false);
    expect(chatSetModelArgsSchema.safeParse({ chatId: '../x', modelId: 'a.gguf' }).success).toBe(false);
    expect(chatCreateArgsSchema.safeParse({ modelId: 'a.gguf' }).success).toBe(true);
  });
});
