import { Composer } from '../components/Composer';
import { MessageList } from '../components/MessageList';
import { ModelBar } from '../components/ModelBar';
import { secondaryButton } from '../components/ui';
import { useChatStore } from '../stores/chat';

/** `#/chat`: model bar, the conversation, and the message input. */
export function ChatView() {
  const clear = useChatStore((s) => s.clear);
  return (
    <div className="flex h-full flex-col">
      <h1 className="sr-only">Chat</h1>
      <div className="flex items-center gap-3 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <ModelBar />
        <button type="button" className={secondaryButton} onClick={clear}>
          New chat
        </button>
      </div>
      <MessageList />
      <Composer />
    </div>
  );
}
