import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatReplyChunk } from '../../../shared/chatDto';
import type { CallContext } from '../../../shared/contract';
import type { ChatArgs } from '../../../shared/dto';
import { AppError } from '../../../shared/errors';
import { NUTRITION_SCHEMA } from '../../../shared/presets';
import { scriptedGenerate } from '../../testing/chatFixtures';
import { EventBus } from '../events/eventBus';
import { silentLogger } from '../logging/logger';
import { ChatService, type ChatServiceOptions } from './chatService';
import { residentModels } from './chatTestModels';
import { MAX_OVERFLOW_RETRIES } from './contextWindow';

// Structured output, the default reply limit and context fitting, with a plain function for inference.
let dataDir: string;
const open: ChatService[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-chatcontext-'));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.dispose()));
  await rm(dataDir, { recursive: true, force: true });
});

async function openService(generate: ChatServiceOptions['generate'], contextSize = 4096) {
  const models = residentModels('test-model.gguf');
  models.contextSize('test-model.gguf', contextSize);
  const service = await ChatService.open({ dataDir, generate, ...models, events: new EventBus(), logger: silentLogger });
  open.push(service);
  return service;
}
const caller = (): CallContext<ChatReplyChunk> => ({ signal: new AbortController().signal, emit: () => {} });
const jsonFormat = { type: 'json_schema' as const, schema: NUTRITION_SCHEMA };

describe('ChatService: structured output and context', () => {
  it('passes the chat\'s response format to the engine, stores it and the JSON check on the reply; a call can turn it off', async () => {
    const scripted = scriptedGenerate({ words: ['{"protein": 1}'] });
    const generate: ChatServiceOptions['generate'] = async (args, c) => ({ ...(await scripted.generate(args, c)), json: { valid: false, error: 'missing keys' } });
    const service = await openService(generate);
    const chat = await service.create({ responseFormat: jsonFormat });
    expect(chat.overrides.responseFormat).toEqual(jsonFormat);
    const first = await service.send({ chatId: chat.id, content: 'Bread' }, caller());
    expect(scripted.calls[0]!.responseFormat).toEqual(jsonFormat);
    expect(first.message.reply).toMatchObject({ responseFormat: jsonFormat, json: { valid: false, error: 'missing keys' } });
    const plain = await service.regenerate({ chatId: chat.id, responseFormat: { type: 'text' } }, caller());
    expect(scripted.calls[1]!.responseFormat).toBeUndefined();
    expect(plain.message.reply!.responseFormat).toBeUndefined();

    const cleared = await service.setOverrides({ chatId: chat.id, responseFormat: null });
    expect(cleared.overrides.responseFormat).toBeUndefined();
    await service.setOverrides({ chatId: chat.id, responseFormat: { type: 'json_object' } });
    await service.editMessage({ chatId: chat.id, messageId: first.userMessageId, content: 'Rice' }, caller());
    expect(scripted.calls[2]!.responseFormat).toEqual({ type: 'json_object' });
  });

  it('uses the default reply limit (1024) unless the chat or the call sets one', async () => {
    const scripted = scriptedGenerate();
    const service = await openService(scripted.generate);
    const chat = await service.create({});
    await service.send({ chatId: chat.id, content: 'a' }, caller());
    await service.setOverrides({ chatId: chat.id, params: { maxTokens: 50 } });
    await service.send({ chatId: chat.id, content: 'b' }, caller());
    await service.send({ chatId: chat.id, content: 'c', params: { maxTokens: 7 } }, caller());
    expect(scripted.calls.map((c) => c.params?.maxTokens)).toEqual([1024, 50, 7]);
  });

  it('reports the tokens the active path used and the context size', async () => {
    const service = await openService(scriptedGenerate().generate, 2048);
    const chat = await service.create({});
    expect(chat.context).toEqual({ usedTokens: 0, contextSize: 2048 });
    await service.send({ chatId: chat.id, content: 'a' }, caller());
    // The scripted engine counts 10 prompt tokens per message and 5 completion tokens.
    expect(service.get(chat.id).context).toEqual({ usedTokens: 15, contextSize: 2048 });
  });

  it('leaves out the oldest turns that do not fit (never the system prompt or the new message) and records how many', async () => {
    const scripted = scriptedGenerate({ words: ['ok'] });
    const service = await openService(scripted.generate, 256);
    const chat = await service.create({ systemPrompt: 'Be brief.' });
    // Long turns: even with the estimate scaled down by the scripted engine's small counts they overflow.
    for (let i = 0; i < 4; i++) await service.send({ chatId: chat.id, content: `${i} ${'word '.repeat(200)}` }, caller());
    const last = await service.send({ chatId: chat.id, content: 'last question' }, caller());
    const sent = scripted.calls.at(-1)!.messages;
    expect(sent[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'last question' });
    expect(sent[1]!.role).toBe('user');
    expect(last.message.reply!.droppedMessages).toBe(9 - (sent.length - 1));
    expect(last.message.reply!.droppedMessages).toBeGreaterThan(0);
  });

  it('after CONTEXT_OVERFLOW retries with one more turn left out, a bounded number of times', async () => {
    const scripted = scriptedGenerate({ words: ['ok'] });
    const seen: ChatArgs[] = [];
    let overflowUntil = 2;
    const generate: ChatServiceOptions['generate'] = async (args, c) => {
      seen.push(args);
      if (seen.length <= overflowUntil) throw new AppError('CONTEXT_OVERFLOW', 'too long');
      return scripted.generate(args, c);
    };
    // A context no estimate fills: only the engine's CONTEXT_OVERFLOW makes turns drop.
    const service = await openService(generate, 10_000_000);
    const chat = await service.create({});
    overflowUntil = 0;
    for (let i = 0; i < 6; i++) await service.send({ chatId: chat.id, content: `turn ${i}` }, caller());
    seen.length = 0;
    overflowUntil = 2;
    const result = await service.send({ chatId: chat.id, content: 'next' }, caller());
    expect(seen.map((a) => a.messages.length)).toEqual([13, 11, 9]);
    expect(result.message.reply!.droppedMessages).toBe(4);

    seen.length = 0;
    overflowUntil = 100;
    await expect(service.send({ chatId: chat.id, content: 'again' }, caller())).rejects.toMatchObject({ code: 'CONTEXT_OVERFLOW' });
    expect(seen).toHaveLength(MAX_OVERFLOW_RETRIES + 1);
  });
});
