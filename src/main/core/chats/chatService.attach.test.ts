import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatReplyChunk } from '../../../shared/chatDto';
import type { CallContext } from '../../../shared/contract';
import { scriptedGenerate } from '../../testing/chatFixtures';
import { EventBus } from '../events/eventBus';
import { silentLogger } from '../logging/logger';
import { residentModels } from './chatTestModels';
import { ChatService } from './chatService';

// A reply belongs to core: callers come and go (reloads, tabs) while it runs.
let dataDir: string;
let service: ChatService;
const words = Array.from({ length: 80 }, (_, i) => `w${i} `);

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-attach-'));
  service = await ChatService.open({ dataDir, generate: scriptedGenerate({ words, delayMs: 5 }).generate, ...residentModels('test-model.gguf'), events: new EventBus(), logger: silentLogger });
});
afterEach(async () => {
  await service.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

function listener(signal = new AbortController().signal) {
  const chunks: ChatReplyChunk[] = [];
  const context: CallContext<ChatReplyChunk> = { signal, emit: (chunk) => chunks.push(chunk) };
  const text = () => chunks.flatMap((c) => (c.type === 'tokens' ? [c.text] : [])).join('');
  return { chunks, context, text };
}
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('attaching to a running reply', () => {
  it('the asking caller going away does not stop the reply; an attached caller gets the text so far, then the rest', async () => {
    const chat = await service.create({});
    const controller = new AbortController();
    const asker = listener(controller.signal);
    const sent = service.send({ chatId: chat.id, content: 'go' }, asker.context);
    await until(() => asker.text().length > 12);
    // The page that asked is reloaded: its call is aborted.
    controller.abort();
    const seenByAsker = asker.chunks.length;
    const page = listener();
    const attached = service.attachReply(chat.id, page.context);
    expect(page.chunks[0]).toMatchObject({ type: 'started', chatId: chat.id });
    expect(page.chunks[1]).toMatchObject({ type: 'tokens' });
    const result = await sent;
    expect(result.message.reply).toMatchObject({ status: 'done', stopReason: 'eos' });
    expect(result.message.content).toBe(words.join(''));
    // The reloaded page saw the whole reply, once; the old caller got nothing after it left.
    expect(page.text()).toBe(result.message.content);
    expect(asker.chunks.length).toBeLessThanOrEqual(seenByAsker + 1);
    await expect(attached).resolves.toEqual({ reply: result });
  });

  it('two tabs see the same reply, and a stop from either ends it for both', async () => {
    const chat = await service.create({});
    const first = listener();
    const sent = service.send({ chatId: chat.id, content: 'go' }, first.context);
    await until(() => first.text().length > 0);
    const second = listener();
    const attached = service.attachReply(chat.id, second.context);
    await until(() => second.chunks.length > 3);
    await expect(service.stop(chat.id)).resolves.toEqual({ stopped: true });
    const result = await sent;
    expect(result.message.reply).toMatchObject({ status: 'stopped', stopReason: 'abort' });
    expect(first.text()).toBe(result.message.content);
    expect(second.text()).toBe(result.message.content);
    expect((await attached).reply?.message.id).toBe(result.message.id);
    expect(service.get(chat.id).streamingMessageId).toBeNull();
  });

  it('attaching when no reply runs answers null at once; an unknown chat is NOT_FOUND', async () => {
    const chat = await service.create({});
    const page = listener();
    await expect(service.attachReply(chat.id, page.context)).resolves.toEqual({ reply: null });
    expect(page.chunks).toEqual([]);
    await expect(service.attachReply('no-such-chat', page.context)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
