import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatChanged, ChatDetail, ChatReplyChunk, Conversation } from '../../../shared/chatDto';
import type { CallContext } from '../../../shared/contract';
import { scriptedGenerate } from '../../testing/chatFixtures';
import { EventBus } from '../events/eventBus';
import { silentLogger } from '../logging/logger';
import { parseConversation } from './chatFile';
import { residentModels } from './chatTestModels';
import { ChatService, type ChatServiceOptions } from './chatService';

// The service over a real store, with a plain function in place of inference.
let dataDir: string;
const open: ChatService[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-chatservice-'));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.dispose()));
  await rm(dataDir, { recursive: true, force: true });
});

async function openService(generate: ChatServiceOptions['generate'], extra: Partial<ChatServiceOptions> = {}) {
  const events = new EventBus();
  const changes: Array<ChatChanged & { at: number }> = [];
  events.subscribe((name, payload) => {
    if (name === 'chats.changed') changes.push({ ...(payload as ChatChanged), at: performance.now() });
  });
  const service = await ChatService.open({ dataDir, generate, ...residentModels('test-model.gguf'), events, logger: silentLogger, checkpointIntervalMs: 50, changeIntervalMs: 100, ...extra });
  open.push(service);
  return { service, changes };
}

function caller(chunks: ChatReplyChunk[] = [], signal = new AbortController().signal): CallContext<ChatReplyChunk> {
  return { signal, emit: (chunk) => chunks.push(chunk) };
}

/** The chat as its file says, checked like a load does (tree included). */
async function onDisk(chatId: string): Promise<Conversation> {
  return parseConversation(await readFile(join(dataDir, 'chats', `${chatId}.json`), 'utf8'));
}

const texts = (detail: ChatDetail) => detail.activePath.map((id) => detail.messages.find((m) => m.id === id)!.content);

describe('ChatService replies', () => {
  it('sends: streams to the caller, stores the reply with model, params and stats, titles the chat, reloads', async () => {
    const { generate, calls } = scriptedGenerate();
    const { service } = await openService(generate);
    const chat = await service.create({ systemPrompt: 'Be kind.', params: { temperature: 0.3, topK: 5 } });
    const chunks: ChatReplyChunk[] = [];
    const result = await service.send({ chatId: chat.id, content: '  How are   you doing today, my good and patient old friend of many years?  ', params: { temperature: 0.9 } }, caller(chunks));
    expect(chunks[0]).toMatchObject({ type: 'started', chatId: chat.id, userMessageId: result.userMessageId, messageId: result.message.id });
    expect(chunks.flatMap((c) => (c.type === 'tokens' ? [c.text] : [])).join('')).toBe('Hello there, friend.');
    expect(calls[0]!.messages).toEqual([
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: '  How are   you doing today, my good and patient old friend of many years?  ' },
    ]);
    // No limit given: core's default reply limit (DEFAULT_MAX_TOKENS) applies.
    expect(calls[0]!.params).toEqual({ temperature: 0.9, topK: 5, maxTokens: 1024 });
    expect(result.message.reply).toMatchObject({ modelId: 'test-model.gguf', status: 'done', stopReason: 'eos', params: { temperature: 0.9, topK: 5 } });
    expect(result.message.reply!.stats).toMatchObject({ completionTokens: 5, stopReason: 'eos' });

    const detail = service.get(chat.id);
    expect(detail.title).toBe('How are you doing today, my good and patient old friend of…');
    expect(detail.title.length).toBeLessThanOrEqual(60);
    expect(detail.streamingMessageId).toBeNull();
    await service.dispose();
    const { service: again } = await openService(generate);
    const { activePath: _path, streamingMessageId: _streaming, context: _context, pendingToolCalls: _pending, ...stored } = detail;
    expect(again.get(chat.id)).toEqual(detail);
    expect(await onDisk(chat.id)).toEqual(stored);
    expect(again.list().chats[0]).toMatchObject({ id: chat.id, messageCount: 2, modelId: 'test-model.gguf', generating: false });
  });

  it('two sends to one chat at once: the second is refused with BUSY, the chat stays consistent', async () => {
    const { generate } = scriptedGenerate({ delayMs: 20 });
    const { service } = await openService(generate);
    const chat = await service.create({});
    const [first, second] = await Promise.allSettled([
      service.send({ chatId: chat.id, content: 'one' }, caller()),
      service.send({ chatId: chat.id, content: 'two' }, caller()),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'BUSY' } });
    expect(texts(service.get(chat.id))).toEqual(['one', 'Hello there, friend.']);
    // Once the first reply ended, the chat takes the next message.
    await service.send({ chatId: chat.id, content: 'three' }, caller());
    expect(texts(service.get(chat.id))).toEqual(['one', 'Hello there, friend.', 'three', 'Hello there, friend.']);
    // Other chats are never blocked by this one.
    const other = await service.create({});
    const busy = service.send({ chatId: chat.id, content: 'four' }, caller());
    await expect(service.send({ chatId: other.id, content: 'elsewhere' }, caller())).resolves.toBeTruthy();
    await busy;
  });

  it('stop keeps the text so far with stop reason abort; a failure is kept with its error', async () => {
    const { generate } = scriptedGenerate({ words: Array.from({ length: 200 }, (_, i) => `w${i} `), delayMs: 5 });
    const { service } = await openService(generate);
    const chat = await service.create({});
    const chunks: ChatReplyChunk[] = [];
    const reply = service.send({ chatId: chat.id, content: 'go' }, caller(chunks));
    while (chunks.filter((c) => c.type === 'tokens').length < 3) await new Promise((r) => setTimeout(r, 5));
    await expect(service.stop(chat.id)).resolves.toEqual({ stopped: true });
    const stopped = (await reply).message;
    expect(stopped.reply).toMatchObject({ status: 'stopped', stopReason: 'abort' });
    expect(stopped.content).toMatch(/^w0 w1 w2 /);
    expect((await onDisk(chat.id)).messages.at(-1)).toEqual(stopped);


    const failing = await openService(scriptedGenerate({ fail: new Error('engine fell over') }).generate);
    const broken = await failing.service.create({});
    await expect(failing.service.send({ chatId: broken.id, content: 'x' }, caller())).rejects.toThrow('engine fell over');
    const kept = (await onDisk(broken.id)).messages.at(-1)!;
    expect(kept).toMatchObject({ content: 'Hello', reply: { status: 'error', stopReason: 'error', error: 'engine fell over' } });
  });

  it('checkpoints a long reply to disk while it streams, and announces it at most once per interval', async () => {
    const { generate } = scriptedGenerate({ words: Array.from({ length: 60 }, (_, i) => `t${i} `), delayMs: 10 });
    const { service, changes } = await openService(generate);
    const chat = await service.create({});
    const chunks: ChatReplyChunk[] = [];
    const reply = service.send({ chatId: chat.id, content: 'long' }, caller(chunks));
    while (chunks.filter((c) => c.type === 'tokens').length < 20) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 80));
    const midway = (await onDisk(chat.id)).messages.at(-1)!;
    expect(midway.reply!.status).toBe('streaming');
    expect(midway.content).toMatch(/^t0 t1 .*t19 /);
    const final = (await reply).message;
    expect(final.content.length).toBeGreaterThan(midway.content.length);
    await new Promise((r) => setTimeout(r, 150));
    const mine = changes.filter((c) => c.chatId === chat.id);
    for (let i = 1; i < mine.length; i++) expect(mine[i]!.at - mine[i - 1]!.at).toBeGreaterThanOrEqual(95);
    expect(mine.some((c) => c.generating)).toBe(true);
    expect(mine.at(-1)).toMatchObject({ change: 'updated', generating: false });
    expect(JSON.stringify(changes)).not.toContain('t5 ');
  });

  it('a rename wins over the automatic title, even while the first reply is written', async () => {
    const { generate } = scriptedGenerate({ delayMs: 20 });
    const { service } = await openService(generate);
    const chat = await service.create({});
    const reply = service.send({ chatId: chat.id, content: 'a question' }, caller());
    await service.rename(chat.id, 'Mine');
    await reply;
    expect(service.get(chat.id)).toMatchObject({ title: 'Mine', titleSource: 'user' });
  });

  it('regenerate, edit, switch and delete keep the tree valid and every version reachable', async () => {
    let n = 0;
    const generate: ChatServiceOptions['generate'] = (args, c) => scriptedGenerate({ words: [`answer ${++n}`] }).generate(args, c);
    const { service } = await openService(generate);
    const { id } = await service.create({});
    const first = await service.send({ chatId: id, content: 'q1' }, caller());
    await service.send({ chatId: id, content: 'q2' }, caller());
    // Regenerate the first answer: a sibling, and its branch (without q2) is shown.
    const again = await service.regenerate({ chatId: id, messageId: first.message.id }, caller());
    expect(again.message.parentId).toBe(first.userMessageId);
    expect(texts(service.get(id))).toEqual(['q1', 'answer 3']);
    // Switching back to the first version shows q2 under it again.
    expect(texts(await service.switchVersion(id, first.message.id))).toEqual(['q1', 'answer 1', 'q2', 'answer 2']);
    // Regenerate without an id: the last reply shown gets a new version.
    await service.regenerate({ chatId: id }, caller());
    expect(texts(service.get(id))).toEqual(['q1', 'answer 1', 'q2', 'answer 4']);
    // Edit q1: a new user sibling with its own reply; the old branch stays reachable.
    const edited = await service.editMessage({ chatId: id, messageId: first.userMessageId, content: 'q1 edited' }, caller());
    expect(texts(service.get(id))).toEqual(['q1 edited', 'answer 5']);
    expect(texts(await service.switchVersion(id, first.userMessageId))).toEqual(['q1', 'answer 1', 'q2', 'answer 4']);
    await expect(service.editMessage({ chatId: id, messageId: first.message.id, content: 'x' }, caller())).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // Delete the original q1 and its whole subtree: the edited branch becomes the one shown.
    const afterDelete = await service.deleteMessage(id, first.userMessageId);
    expect(texts(afterDelete)).toEqual(['q1 edited', 'answer 5']);
    expect(afterDelete.messages.map((m) => m.content).sort()).toEqual(['answer 5', 'q1 edited']);
    expect(Object.values(afterDelete.currentChild)).toEqual(expect.arrayContaining([edited.userMessageId, edited.message.id]));
    const stored = await onDisk(id);
    expect(stored.messages).toEqual(afterDelete.messages);
    expect(stored.currentChild).toEqual(afterDelete.currentChild);
    await expect(service.switchVersion(id, first.message.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Deleting the last message leaves an empty, valid chat that takes new messages.
    expect((await service.deleteMessage(id, edited.userMessageId)).messages).toEqual([]);
    await service.send({ chatId: id, content: 'fresh' }, caller());
    expect(texts(service.get(id))).toEqual(['fresh', 'answer 6']);
  });

  it('deleting a message while a reply is written is refused with BUSY', async () => {
    const { generate } = scriptedGenerate({ delayMs: 30 });
    const { service } = await openService(generate);
    const { id } = await service.create({});
    const reply = service.send({ chatId: id, content: 'q' }, caller());
    const userId = service.get(id).activePath[0]!;
    await expect(service.deleteMessage(id, userId)).rejects.toMatchObject({ code: 'BUSY' });
    await reply;
  });
});
