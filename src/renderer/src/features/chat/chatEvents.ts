import type { ChatChanged } from '../../../../shared/chatDto';
import { useChatListStore } from './chatList';
import { useConversationStore } from './conversation';

/** Several chats changing at once (or one chat's start and end) cause one list refetch. */
const LIST_DELAY_MS = 100;
let listTimer: ReturnType<typeof setTimeout> | undefined;

/** `chats.changed`: refetch the list, and the open chat when it is the one that changed. */
export function applyChatChanged(change: ChatChanged): void {
  useConversationStore.getState().onChanged(change);
  clearTimeout(listTimer);
  listTimer = setTimeout(() => void useChatListStore.getState().refresh(), LIST_DELAY_MS);
}

/** After a reconnect: what the missed events would have said. */
export async function refetchChats(): Promise<void> {
  const chatId = useConversationStore.getState().chatId;
  await Promise.allSettled([useChatListStore.getState().refresh(), chatId ? useConversationStore.getState().refresh(chatId) : Promise.resolve()]);
}
