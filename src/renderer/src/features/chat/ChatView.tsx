import { useEffect, useState } from 'react';
import { cx } from '../../shared/components/ui';
import { CHAT_SEARCH_ID, ChatSidebar } from './ChatSidebar';
import { ChatHeader, PARAMETERS_PANEL_ID } from './ChatHeader';
import { useChatListStore } from './chatList';
import { goToChat, useRouteChatId } from './chatRoute';
import { Composer } from './Composer';
import { selectGenerating, useConversationStore } from './conversation';
import { MessageList } from './MessageList';
import { ParametersPanel } from './params/ParametersPanel';
import { useParamsStore } from './params/paramsStore';
import { UndoToast } from './UndoToast';

const wide = (px: number) => typeof window !== 'undefined' && window.matchMedia(`(min-width: ${px}px)`).matches;

/**
 * `#/chat[/<id>]`: chat list, the conversation with its model picker and composer, parameters.
 * Below 768 px the chat list, below 1024 px the parameters, open over the conversation.
 */
export function ChatView() {
  const routeChatId = useRouteChatId();
  const detail = useConversationStore((s) => s.detail);
  const [sidebarOpen, setSidebarOpen] = useState(() => wide(768));
  const [paramsOpen, setParamsOpen] = useState(() => wide(1280));
  // On a narrow window the chat list covers the conversation: opening a chat closes it.
  const [shownRoute, setShownRoute] = useState(routeChatId);
  if (shownRoute !== routeChatId) {
    setShownRoute(routeChatId);
    if (!wide(768)) setSidebarOpen(false);
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
        goToChat(null);
        requestAnimationFrame(() => document.querySelector<HTMLTextAreaElement>('textarea[aria-label="Message"]')?.focus());
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
      {sidebarOpen && <div aria-hidden="true" className="absolute inset-0 z-10 bg-black/30 md:hidden" onClick={() => setSidebarOpen(false)} />}
      {paramsOpen && <div aria-hidden="true" className="absolute inset-0 z-10 bg-black/30 lg:hidden" onClick={() => setParamsOpen(false)} />}
      <ChatSidebar
        onClose={() => setSidebarOpen(false)}
        className={cx(sidebarOpen ? 'max-md:absolute max-md:inset-y-0 max-md:left-0 max-md:z-20 max-md:shadow-xl' : 'hidden')}
      />
      <div className="flex min-w-0 flex-1 flex-col">
        <ChatHeader
          sidebarOpen={sidebarOpen}
          onToggleSidebar={() => setSidebarOpen((open) => !open)}
          paramsOpen={paramsOpen}
          onToggleParams={() => setParamsOpen((open) => !open)}
        />
        <MessageList />
        <Composer />
      </div>
      <ParametersPanel
        id={PARAMETERS_PANEL_ID}
        onClose={() => setParamsOpen(false)}
        className={cx(paramsOpen ? 'max-lg:absolute max-lg:inset-y-0 max-lg:right-0 max-lg:z-20 max-lg:shadow-xl' : 'hidden')}
      />
      <UndoToast />
    </div>
  );
}
