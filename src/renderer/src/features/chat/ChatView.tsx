import { useEffect, useState } from 'react';
import { cx } from '../../shared/components/ui';
import { CHAT_SEARCH_ID, ChatSidebar } from './ChatSidebar';
import { ChatHeader, PARAMETERS_PANEL_ID } from './ChatHeader';
import { useChatListStore } from './chatList';
import { goToNewChat, useRouteChatId } from './chatRoute';
import { Composer } from './Composer';
import { selectGenerating, useConversationStore } from './conversation';
import { MessageList } from './MessageList';
import { ParametersPanel } from './params/ParametersPanel';
import { useParamsStore } from './params/paramsStore';
import { UndoToast } from './UndoToast';

const wide = (px: number) => typeof window !== 'undefined' && window.matchMedia(`(min-width: ${px}px)`).matches;

/** Where the Parameters panel's open/closed choice is kept, so it stays as the user left it. */
const PARAMS_OPEN_KEY = 'hearth.chat.paramsOpen';

function storedParamsOpen(): boolean {
  try {
    return window.localStorage.getItem(PARAMS_OPEN_KEY) === 'true';
  } catch {
    return false;
  }
}

function storeParamsOpen(open: boolean): void {
  try {
    window.localStorage.setItem(PARAMS_OPEN_KEY, String(open));
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
}

/**
 * `#/chat[/<id>]`: chat list, the conversation with its model picker and composer, parameters.
 * The conversation is never squeezed: below 1024 px the chat list, below 1280 px the parameters,
 * open over it instead of beside it (at 1280 px with both docked it keeps 624 px; at 800 px all 720). Parameters are
 * closed on first run and then stay as the user left them.
 */
export function ChatView() {
  const routeChatId = useRouteChatId();
  const detail = useConversationStore((s) => s.detail);
  const [sidebarOpen, setSidebarOpen] = useState(() => wide(1024));
  const [paramsOpen, setParamsOpenState] = useState(storedParamsOpen);
  const setParamsOpen = (next: boolean | ((open: boolean) => boolean)) =>
    setParamsOpenState((open) => {
      const value = typeof next === 'function' ? next(open) : next;
      storeParamsOpen(value);
      return value;
    });
  // On a narrow window the chat list covers the conversation: opening a chat closes it.
  const [shownRoute, setShownRoute] = useState(routeChatId);
  if (shownRoute !== routeChatId) {
    setShownRoute(routeChatId);
    if (!wide(1024)) setSidebarOpen(false);
  }

  useEffect(() => {
    void useConversationStore.getState().open(routeChatId);
  }, [routeChatId]);
  useEffect(() => useParamsStore.getState().show(detail), [detail]);
  useEffect(() => {
    void useChatListStore.getState().refresh();
  }, []);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && !event.shiftKey && !event.altKey && key === 'n') {
        event.preventDefault();
        goToNewChat();
      } else if (mod && !event.shiftKey && !event.altKey && key === 'k') {
        event.preventDefault();
        setSidebarOpen(true);
        requestAnimationFrame(() => document.getElementById(CHAT_SEARCH_ID)?.focus());
      } else if (event.key === 'Escape' && !event.defaultPrevented && selectGenerating(useConversationStore.getState())) {
        event.preventDefault();
        void useConversationStore.getState().stop();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <div className="relative flex h-full">
      <h1 className="sr-only">Chat</h1>
      {sidebarOpen && <div aria-hidden="true" className="absolute inset-0 z-10 bg-black/30 lg:hidden" onClick={() => setSidebarOpen(false)} />}
      {paramsOpen && <div aria-hidden="true" className="absolute inset-0 z-10 bg-black/30 xl:hidden" onClick={() => setParamsOpen(false)} />}
      <ChatSidebar
        onClose={() => setSidebarOpen(false)}
        className={cx(sidebarOpen ? 'max-lg:absolute max-lg:inset-y-0 max-lg:left-0 max-lg:z-20 max-lg:shadow-xl' : 'hidden')}
      />
      <div className="relative flex min-w-0 flex-1 flex-col">
        <ChatHeader
          sidebarOpen={sidebarOpen}
          onToggleSidebar={() => setSidebarOpen((open) => !open)}
          paramsOpen={paramsOpen}
          onToggleParams={() => setParamsOpen((open) => !open)}
        />
        <MessageList />
        <Composer />
        {/* Inside the conversation column, at its top: it never covers the message box. */}
        <UndoToast />
      </div>
      <ParametersPanel
        id={PARAMETERS_PANEL_ID}
        onClose={() => setParamsOpen(false)}
        className={cx(paramsOpen ? 'max-xl:absolute max-xl:inset-y-0 max-xl:right-0 max-xl:z-20 max-xl:max-w-full max-xl:shadow-xl' : 'hidden')}
      />
    </div>
  );
}
