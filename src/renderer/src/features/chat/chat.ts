import { create } from 'zustand';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';
import { newId } from '../../shared/lib/id';
import type { ChatChunk } from '../../../../shared/dto';
import { applyTokenBatch, failReply, finishReply, setReplyProgress, toHistory, type TokenBatch, type UiMessage } from './chatReducer';
import { createTokenBuffer, nextFrame } from './tokenBuffer';

interface ChatState {
  /** The current conversation, in memory only for now (persistence comes with `chats.*`). */
  messages: UiMessage[];
  /** Request generating right now; at most one per window. */
  activeRequestId: string | null;
  /** Why the last Stop failed, shown beside the Stop button. */
  stopError: string | null;
  send(text: string): Promise<void>;
  stop(): Promise<void>;
  /** New chat: stops a running reply and forgets the conversation. */
  clear(): void;
  /** Streamed text, batched per animation frame. */
  applyTokens(batch: TokenBatch): void;
}

/** Reply text arrives as chunks of the chat call; it is applied once per frame, not per chunk. */
const tokens = createTokenBuffer(nextFrame, (batch) => useChatStore.getState().applyTokens(batch));

export const useChatStore = create<ChatState>()((set, get) => ({
  messages: [],
  activeRequestId: null,
  stopError: null,

  async send(text) {
    const content = text.trim();
    if (!content || get().activeRequestId) return;
    const requestId = newId();
    const user: UiMessage = { id: newId(), role: 'user', content };
    const reply: UiMessage = { id: newId(), role: 'assistant', content: '', requestId, streaming: true };
    const messages = [...get().messages, user];
    set({ messages: [...messages, reply], activeRequestId: requestId, stopError: null });
    try {
      const onChunk = (chunk: ChatChunk) => {
        if (chunk.type === 'tokens') return tokens.push(requestId, chunk.text);
        const progress =
          chunk.type === 'queued' ? { kind: 'queued' as const, position: chunk.position } : { kind: 'prompt' as const, processed: chunk.processed, total: chunk.total };
        set((state) => ({ messages: setReplyProgress(state.messages, requestId, progress) }));
      };
      const result = await api.inference.chat({ requestId, messages: toHistory(messages) }, { onChunk });
      tokens.flush();
      set((state) => ({ messages: finishReply(state.messages, result) }));
    } catch (error) {
      tokens.flush();
      set((state) => ({ messages: failReply(state.messages, requestId, errorMessage(error)) }));
    } finally {
      set((state) => (state.activeRequestId === requestId ? { activeRequestId: null } : {}));
    }
  },

  async stop() {
    const requestId = get().activeRequestId;
    if (!requestId) return;
    try {
      await api.inference.stop({ requestId });
      set({ stopError: null });
    } catch (error) {
      set({ stopError: errorMessage(error) });
    }
  },

  clear() {
    // The running request (if any) keeps `activeRequestId` until it settles, so Send stays
    // disabled until the engine is free again; its result then finds no message and is dropped.
    if (get().activeRequestId) void get().stop();
    set({ messages: [], stopError: null });
  },

  applyTokens(batch) {
    set((state) => {
      const messages = applyTokenBatch(state.messages, batch);
      return messages === state.messages ? state : { messages };
    });
  },
}));

type S = ChatState;

export const selectIsGenerating = (s: S): boolean => s.activeRequestId !== null;
