import { useEffect } from 'react';
import { cx } from '../../shared/components/ui';
import { useChatListStore } from './chatList';
import { goToChat } from './chatRoute';

/** How long the Undo offer stays, in ms (the chat stays in the trash for 7 days regardless). */
const UNDO_MS = 10_000;

/** "Deleted “Trip plan”. Undo" after a chat is deleted. */
export function UndoToast() {
  const deleted = useChatListStore((s) => s.deleted);
  useEffect(() => {
    if (!deleted) return;
    const timer = setTimeout(() => useChatListStore.getState().dismissDeleted(), UNDO_MS);
    return () => clearTimeout(timer);
  }, [deleted]);
  if (!deleted) return null;
  const undo = async () => {
    const chatId = await useChatListStore.getState().undoDelete();
    if (chatId) goToChat(chatId);
  };
  return (
    <div
      role="status"
      aria-label="Chat deleted"
      className={cx(
        // Under the header, not over the composer at the bottom where the next message is typed.
        'absolute top-16 left-1/2 z-30 flex max-w-[90%] -translate-x-1/2 items-center gap-3 rounded-lg px-4 py-2 shadow-lg',
        'bg-zinc-900 text-sm text-white dark:bg-zinc-100 dark:text-zinc-900',
      )}
    >
      <span className="min-w-0 truncate">Deleted “{deleted.title}”.</span>
      <button type="button" className="font-semibold text-orange-300 underline-offset-2 hover:underline dark:text-accent" onClick={() => void undo()}>
        Undo
      </button>
    </div>
  );
}
