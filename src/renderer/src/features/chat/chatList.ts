import { create } from 'zustand';
import type { ChatSearchHit, ChatSummary, QuarantinedChat } from '../../../../shared/chatDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';

/** A chat just deleted, which the Undo toast can bring back. */
export interface DeletedChat {
  chatId: string;
  title: string;
}

interface ChatListState {
  chats: ChatSummary[];
  quarantined: QuarantinedChat[];
  /** At least one listing finished. */
  listed: boolean;
  error: string | null;
  /** The search box; empty shows the list. */
  query: string;
  /** Hits for `query`; null while none arrived for it yet. */
  hits: ChatSearchHit[] | null;
  deleted: DeletedChat | null;
  /** Why the last rename, delete, restore or import failed. */
  actionError: string | null;
  refresh(): Promise<void>;
  setQuery(query: string): void;
  rename(chatId: string, title: string): Promise<boolean>;
  remove(chatId: string): Promise<boolean>;
  undoDelete(): Promise<string | null>;
  dismissDeleted(): void;
  importChat(text: string): Promise<string | null>;
}

let listGeneration = 0;
let searchTimer: ReturnType<typeof setTimeout> | undefined;
/** Typing pauses this long before a search is sent, in ms. */
const SEARCH_DELAY_MS = 150;

export const useChatListStore = create<ChatListState>()((set, get) => ({
  chats: [],
  quarantined: [],
  listed: false,
  error: null,
  query: '',
  hits: null,
  deleted: null,
  actionError: null,

  async refresh() {
    const mine = ++listGeneration;
    try {
      const list = await api.chats.list();
      if (mine === listGeneration) set({ chats: list.chats, quarantined: list.quarantined, listed: true, error: null });
    } catch (error) {
      if (mine === listGeneration) set({ error: errorMessage(error) });
    }
    if (get().query.trim()) runSearch(get().query);
  },

  setQuery(query) {
    set({ query, hits: null });
    clearTimeout(searchTimer);
    if (query.trim()) searchTimer = setTimeout(() => runSearch(query), SEARCH_DELAY_MS);
  },

  async rename(chatId, title) {
    try {
      const summary = await api.chats.rename({ chatId, title });
      set((state) => ({ chats: state.chats.map((c) => (c.id === chatId ? summary : c)), actionError: null }));
      return true;
    } catch (error) {
      set({ actionError: `Could not rename the chat: ${errorMessage(error)}` });
      return false;
    }
  },

  async remove(chatId) {
    const title = get().chats.find((c) => c.id === chatId)?.title ?? 'Chat';
    try {
      await api.chats.delete({ chatId });
      set((state) => ({ chats: state.chats.filter((c) => c.id !== chatId), deleted: { chatId, title }, actionError: null }));
      return true;
    } catch (error) {
      set({ actionError: `Could not delete the chat: ${errorMessage(error)}` });
      return false;
    }
  },

  async undoDelete() {
    const deleted = get().deleted;
    if (!deleted) return null;
    set({ deleted: null });
    try {
      await api.chats.restore({ chatId: deleted.chatId });
      await get().refresh();
      return deleted.chatId;
    } catch (error) {
      set({ actionError: `Could not restore “${deleted.title}”: ${errorMessage(error)}` });
      return null;
    }
  },

  dismissDeleted() {
    set({ deleted: null });
  },

  async importChat(text) {
    try {
      const summary = await api.chats.import({ text });
      await get().refresh();
      set({ actionError: null });
      return summary.id;
    } catch (error) {
      set({ actionError: `Could not import: ${errorMessage(error)}` });
      return null;
    }
  },
}));

function runSearch(query: string): void {
  void api.chats.search({ query: query.trim(), limit: 50 }).then(
    (hits) => {
      if (useChatListStore.getState().query === query) useChatListStore.setState({ hits });
    },
    (error: unknown) => {
      if (useChatListStore.getState().query === query) useChatListStore.setState({ hits: [], error: errorMessage(error) });
    },
  );
}
