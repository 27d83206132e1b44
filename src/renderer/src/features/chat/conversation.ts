import { create } from 'zustand';
import type { ChatChanged, ChatDetail, ChatReplyChunk } from '../../../../shared/chatDto';
import type { SamplingParams } from '../../../../shared/dto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';
import { newId } from '../../shared/lib/id';
import { goToChat } from './chatRoute';
import { DEFAULT_MAX_TOKENS } from './params/paramFields';
import { useParamsStore } from './params/paramsStore';
import type { ReplyProgress } from './replyStats';
import { createTokenBuffer, nextFrame, type TokenBatch } from './tokenBuffer';

/** A reply this window asked for and is receiving the text of. */
export interface ReplyStream {
  chatId: string;
  requestId: string;
  /** The assistant message core created; null until its `started` chunk. */
  messageId: string | null;
  /** `send` only: the user's text, shown until core's copy of the message arrives. */
  pendingUser: string | null;
  /** Everything streamed since the reply started (wins over core's checkpointed copy). */
  text: string;
  progress: ReplyProgress | null;
  /** A tool round ended: the chat is read again once the next round starts (its calls' results are stored by then). */
  roundResultsPending?: boolean;
}

interface ConversationState {
  /** The open chat; null = a new chat, created on its first message. */
  chatId: string | null;
  detail: ChatDetail | null;
  loadError: string | null;
  /** Why the last action (send, stop, switch, delete) failed, shown beside the composer. */
  actionError: string | null;
  /** Replies this window is streaming, by chat id (at most one per chat). */
  streams: Record<string, ReplyStream>;
  /** A new chat's model picked before its first message (it is created with it); null = the primary model. */
  newChatModelId: string | null;
  open(chatId: string | null): Promise<void>;
  refresh(chatId: string): Promise<void>;
  /** Resolves false when the message was not taken (the composer then keeps its text). */
  send(content: string): Promise<boolean>;
  regenerate(messageId: string): Promise<boolean>;
  edit(messageId: string, content: string): Promise<boolean>;
  stop(): Promise<void>;
  /** Receives the reply core is writing in `chatId` (started by another page, or before a reload). */
  attach(chatId: string): Promise<void>;
  switchVersion(messageId: string): Promise<void>;
  deleteMessage(messageId: string): Promise<void>;
  /** Puts chat `chatId` (default the open one; null = the new chat) on `modelId`; false when refused. */
  setModel(modelId: string, chatId?: string | null): Promise<boolean>;
  /** A conversation core returned (e.g. after its overrides were saved). */
  replaceDetail(detail: ChatDetail): void;
  applyTokens(batch: TokenBatch): void;
  onChanged(change: ChatChanged): void;
  dismissError(): void;
}

type Start = (requestId: string, onChunk: (chunk: ChatReplyChunk) => void) => Promise<unknown>;

const tokens = createTokenBuffer(nextFrame, (batch) => useConversationStore.getState().applyTokens(batch));
/** Counts detail fetches: only the latest one is applied. */
let fetchGeneration = 0;

export const useConversationStore = create<ConversationState>()((set, get) => {
  const patchStream = (chatId: string, patch: Partial<ReplyStream>) =>
    set((state) => {
      const stream = state.streams[chatId];
      return stream ? { streams: { ...state.streams, [chatId]: { ...stream, ...patch } } } : state;
    });

  /** Sampling sent with a reply: the default reply limit when the conversation sets none. */
  const replyParams = (): SamplingParams | undefined =>
    get().detail?.overrides.params?.maxTokens === undefined ? { maxTokens: DEFAULT_MAX_TOKENS } : undefined;

  const runReply = async (chatId: string, pendingUser: string | null, start: Start, saveParams = true): Promise<boolean> => {
    if (get().streams[chatId]) return false;
    if (saveParams) await useParamsStore.getState().flush();
    // Checked again: attaching may have begun while the parameters were saved.
    if (get().streams[chatId]) return false;
    const requestId = newId();
    set((state) => ({
      actionError: null,
      streams: { ...state.streams, [chatId]: { chatId, requestId, messageId: null, pendingUser, text: '', progress: null } },
    }));
    let started = false;
    try {
      await start(requestId, (chunk) => {
        if (chunk.type === 'started') {
          started = true;
          patchStream(chatId, { messageId: chunk.messageId });
          void get().refresh(chatId);
          return;
        }
        if (chunk.type === 'toolRound') {
          // The text so far became a stored tool round (read with the chat); the next round streams from empty.
          tokens.flush();
          patchStream(chatId, { text: '', progress: null, roundResultsPending: true });
          void get().refresh(chatId);
          return;
        }
        // The next round began, so its calls were answered: read them, else they show "running…" until the reply ends.
        if (get().streams[chatId]?.roundResultsPending) {
          patchStream(chatId, { roundResultsPending: false });
          void get().refresh(chatId);
        }
        if (chunk.type === 'tokens') {
          tokens.push(requestId, chunk.text);
        } else if ((chunk.type === 'queued' || chunk.type === 'prompt') && !get().streams[chatId]?.text) {
          patchStream(chatId, {
            progress: chunk.type === 'queued' ? { kind: 'queued', position: chunk.position } : { kind: 'prompt', processed: chunk.processed, total: chunk.total },
          });
        }
      });
    } catch (error) {
      // After `started` the failure is stored with the reply and shown there.
      if (!started) set({ actionError: errorMessage(error) });
    } finally {
      tokens.flush();
      await get().refresh(chatId);
      set((state) => {
        const { [chatId]: _done, ...rest } = state.streams;
        return { streams: rest };
      });
    }
    return started;
  };

  return {
    chatId: null,
    detail: null,
    loadError: null,
    actionError: null,
    streams: {},
    newChatModelId: null,

    async open(chatId) {
      if (chatId === get().chatId && (chatId === null || get().detail?.id === chatId)) return;
      set({ chatId, detail: null, loadError: null, actionError: null, newChatModelId: null });
      if (chatId) await get().refresh(chatId);
    },

    async refresh(chatId) {
      const mine = ++fetchGeneration;
      try {
        const detail = await api.chats.get({ chatId });
        // Only the latest read counts: an older one may say "streaming" about a reply that has ended since.
        if (mine !== fetchGeneration || get().chatId !== chatId) return;
        set({ detail, loadError: null });
        // A reply core is writing that this page does not receive yet (after a reload, or from another tab).
        if (detail.streamingMessageId && !get().streams[chatId]) void get().attach(chatId);
      } catch (error) {
        if (mine === fetchGeneration && get().chatId === chatId) set({ detail: null, loadError: errorMessage(error) });
      }
    },

    async send(content) {
      let chatId = get().chatId;
      if (!chatId) {
        const overrides = useParamsStore.getState().overridesForNewChat();
        const modelId = get().newChatModelId;
        try {
          const detail = await api.chats.create({ ...overrides, ...(modelId ? { modelId } : {}) });
          chatId = detail.id;
          set({ chatId, detail, loadError: null });
          useParamsStore.getState().adoptNewChat(detail);
          goToChat(chatId);
        } catch (error) {
          set({ actionError: `Could not start a chat: ${errorMessage(error)}` });
          return false;
        }
      }
      const id = chatId;
      const params = replyParams();
      return runReply(id, content, (requestId, onChunk) => api.chats.send({ chatId: id, content, requestId, params }, { onChunk }));
    },

    async regenerate(messageId) {
      const chatId = get().chatId;
      if (!chatId) return false;
      const params = replyParams();
      return runReply(chatId, null, (requestId, onChunk) => api.chats.regenerate({ chatId, messageId, requestId, params }, { onChunk }));
    },

    async edit(messageId, content) {
      const chatId = get().chatId;
      if (!chatId) return false;
      const params = replyParams();
      return runReply(chatId, null, (requestId, onChunk) => api.chats.editMessage({ chatId, messageId, content, requestId, params }, { onChunk }));
    },

    async stop() {
      const chatId = get().chatId;
      if (!chatId) return;
      try {
        await api.chats.stop({ chatId });
      } catch (error) {
        set({ actionError: `Could not stop the reply: ${errorMessage(error)}` });
      }
    },

    async attach(chatId) {
      await runReply(chatId, null, (requestId, onChunk) => api.chats.attachReply({ chatId }, { onChunk }), false);
    },

    async switchVersion(messageId) {
      await detailAction((chatId) => api.chats.switchVersion({ chatId, messageId }), 'Could not switch versions');
    },

    async deleteMessage(messageId) {
      await detailAction((chatId) => api.chats.deleteMessage({ chatId, messageId }), 'Could not delete the message');
    },

    async setModel(modelId, chatId = get().chatId) {
      if (chatId === null) {
        set({ newChatModelId: modelId });
        return true;
      }
      try {
        const detail = await api.chats.setModel({ chatId, modelId });
        if (get().chatId === chatId) set({ detail, actionError: null });
        return true;
      } catch (error) {
        set({ actionError: `Could not change this chat's model: ${errorMessage(error)}` });
        return false;
      }
    },

    replaceDetail(detail) {
      if (get().chatId === detail.id) set({ detail });
    },

    applyTokens(batch) {
      set((state) => {
        let streams = state.streams;
        for (const stream of Object.values(state.streams)) {
          const text = batch.get(stream.requestId);
          if (text) streams = { ...streams, [stream.chatId]: { ...stream, text: stream.text + text, progress: null } };
        }
        return streams === state.streams ? state : { streams };
      });
    },

    onChanged(change) {
      if (change.chatId !== get().chatId) return;
      if (change.change === 'deleted') {
        if (!get().streams[change.chatId]) set({ detail: null, loadError: 'This chat was deleted.' });
        return;
      }
      // This window's own reply: the stream has the text, and its end refetches anyway.
      if (get().streams[change.chatId]) return;
      void get().refresh(change.chatId);
    },

    dismissError() {
      set({ actionError: null });
    },
  };

  async function detailAction(call: (chatId: string) => Promise<ChatDetail>, failure: string): Promise<void> {
    const chatId = get().chatId;
    if (!chatId) return;
    try {
      const detail = await call(chatId);
      if (get().chatId === chatId) set({ detail, actionError: null });
    } catch (error) {
      set({ actionError: `${failure}: ${errorMessage(error)}` });
    }
  }
});

type S = ConversationState;

/** The open chat's stream, if this window is receiving one. */
export const selectOpenStream = (s: S): ReplyStream | null => (s.chatId ? (s.streams[s.chatId] ?? null) : null);
/** A reply is being written in the open chat, by this window or another. */
export const selectGenerating = (s: S): boolean => selectOpenStream(s) !== null || Boolean(s.detail?.streamingMessageId);
