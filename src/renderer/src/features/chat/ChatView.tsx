import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { ModelBar } from '../inference/ModelBar';
import { secondaryButton } from '../../shared/components/ui';
import { useChatStore } from './chat';

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
