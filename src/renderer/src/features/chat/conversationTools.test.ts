import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatDetail, ChatMessageNode, ChatReplyChunk } from '../../../../shared/chatDto';

// The conversation store receiving a reply with a tool round: the text streamed before the call
// becomes the stored round, and must not stay in the streamed text too (it would show twice).
type OnChunk = (chunk: ChatReplyChunk) => void;
const server = vi.hoisted(() => ({ detail: null as unknown, send: null as null | ((onChunk: OnChunk) => Promise<unknown>), nextGet: null as null | (() => Promise<unknown>) }));
vi.mock('../../api/api', () => ({
  api: {
    chats: {
      get: vi.fn(async () => (server.nextGet ? server.nextGet() : structuredClone(server.detail))),
      attachReply: vi.fn(async () => ({ reply: null })),
      send: vi.fn((_args: unknown, options: { onChunk: OnChunk }) => server.send!(options.onChunk)),
    },
  },
}));
vi.mock('./params/paramsStore', () => ({ useParamsStore: { getState: () => ({ flush: async () => {} }) } }));
vi.mock('./chatRoute', () => ({ goToChat: () => {} }));
// Frames: the token buffer hands text over on the next frame (a timer here, as in a hidden tab).
vi.stubGlobal('document', { hidden: true });

const { useConversationStore, selectOpenStream } = await import('./conversation');
const { api } = await import('../../api/api');

const tick = () => new Promise((resolve) => setTimeout(resolve, 120));

function detail(reply: Partial<ChatMessageNode>, streaming: boolean): ChatDetail {
  const user: ChatMessageNode = { id: 'u1', parentId: null, role: 'user', content: 'hi', createdAt: '' };
  const assistant: ChatMessageNode = { id: 'a1', parentId: 'u1', role: 'assistant', content: '', createdAt: '', ...reply };
  return {
    schemaVersion: 1,
    id: 'c1',
    title: 't',
    titleSource: 'default',
    createdAt: '',
    updatedAt: '',
    overrides: { params: { maxTokens: 10 } },
    messages: [user, assistant],
    currentChild: {},
    activePath: ['u1', 'a1'],
    streamingMessageId: streaming ? 'a1' : null,
    pendingToolCalls: [],
    context: { usedTokens: 0, contextSize: null },
  };
}

const round = { content: 'Let me look that up.', calls: [{ id: 'k1', name: 's__t', arguments: '{}', server: 's', tool: 't', decision: 'once' as const, result: { content: 'ok', isError: false, truncated: false } }] };

const { decision: _decision, result: _result, ...asked } = round.calls[0]!;
const waiting = { content: round.content, calls: [asked] };

beforeEach(() => {
  useConversationStore.setState({ chatId: 'c1', detail: detail({}, false), streams: {} });
});

describe('a reply with a tool round, as this window streams it', () => {
  it('keeps the text before the call only in the stored round, and streams the next round from empty', async () => {
    const seen: string[] = [];
    const rounds: unknown[] = [];
    let finish!: () => void;
    server.detail = detail({}, true);
    server.send = async (onChunk) => {
      onChunk({ type: 'started', chatId: 'c1', userMessageId: 'u1', messageId: 'a1' });
      onChunk({ type: 'tokens', text: 'Let me ', tokenCount: 2 });
      onChunk({ type: 'tokens', text: 'look that up.', tokenCount: 3 });
      await tick();
      seen.push(selectOpenStream(useConversationStore.getState())!.text);
      // Core stored the round (its text and calls) and emptied the reply's text, then said so.
      server.detail = detail({ toolRounds: [waiting] }, true);
      onChunk({ type: 'prompt', processed: 5, total: 10 });
      onChunk({ type: 'toolRound', round: 0 });
      seen.push(selectOpenStream(useConversationStore.getState())!.text);
      await tick();
      rounds.push(useConversationStore.getState().detail!.messages[1]!.toolRounds);
      expect(selectOpenStream(useConversationStore.getState())!.progress).toBeNull();
      // The call was answered; the next round starts.
      server.detail = detail({ toolRounds: [round] }, true);
      onChunk({ type: 'prompt', processed: 12, total: 12 });
      onChunk({ type: 'tokens', text: 'It is ', tokenCount: 2 });
      await tick();
      onChunk({ type: 'tokens', text: 'done.', tokenCount: 1 });
      await new Promise<void>((resolve) => (finish = resolve));
      server.detail = detail({ toolRounds: [round], content: 'It is done.' }, false);
      return {};
    };
    const sent = useConversationStore.getState().send('hi');
    for (let i = 0; i < 5; i++) await tick();
    // Mid-reply: the stored round (read after `toolRound`, its call waiting), then with its result
    // (read once the next round began), and the new round's text: each once.
    expect(rounds).toEqual([[waiting]]);
    const state = useConversationStore.getState();
    expect(state.detail!.messages[1]!.toolRounds).toEqual([round]);
    expect(selectOpenStream(state)!.text).toBe('It is done.');
    expect(seen).toEqual(['Let me look that up.', '']);
    finish();
    await sent;
    expect(useConversationStore.getState().streams).toEqual({});
    expect(useConversationStore.getState().detail!.messages[1]).toMatchObject({ content: 'It is done.', toolRounds: [round] });
  });
});

describe('reading the chat', () => {
  it('an older read that arrives last neither replaces the newer one nor attaches to a reply that has ended', async () => {
    let answerOld!: (detail: ChatDetail) => void;
    server.nextGet = () => new Promise((resolve) => (answerOld = resolve));
    const old = useConversationStore.getState().refresh('c1');
    server.nextGet = null;
    server.detail = detail({ content: 'Done.' }, false);
    await useConversationStore.getState().refresh('c1');
    answerOld(detail({ content: 'Do' }, true));
    await old;
    await tick();
    expect(useConversationStore.getState().detail!.messages[1]!.content).toBe('Done.');
    expect(useConversationStore.getState().streams).toEqual({});
    expect(api.chats.attachReply).not.toHaveBeenCalled();
  });
});
