import { useMemo, useRef, type ChangeEvent } from 'react';
import type { ChatSearchHit } from '../../../../shared/chatDto';
import { CloseIcon, PlusIcon, SearchIcon } from '../../shared/components/icons';
import { cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { groupByDay } from './chatGroups';
import { useChatListStore } from './chatList';
import { ChatListItem } from './ChatListItem';
import { chatHref, goToChat, goToNewChat } from './chatRoute';
import { iconButton, panelHeading } from './chatUi';
import { useConversationStore } from './conversation';

/** Id of the search box, focused by Ctrl/Cmd+K. */
export const CHAT_SEARCH_ID = 'chat-search';

/** The chat list: New chat, search, chats grouped by day, import; unreadable chat files reported. */
export function ChatSidebar({ className, onClose }: { className?: string; onClose: () => void }) {
  const chats = useChatListStore((s) => s.chats);
  const listed = useChatListStore((s) => s.listed);
  const query = useChatListStore((s) => s.query);
  const hits = useChatListStore((s) => s.hits);
  const quarantined = useChatListStore((s) => s.quarantined);
  const actionError = useChatListStore((s) => s.actionError);
  const openId = useConversationStore((s) => s.chatId);
  const groups = useMemo(() => groupByDay(chats, new Date()), [chats]);
  const fileInput = useRef<HTMLInputElement>(null);
  const list = useChatListStore.getState;

  const remove = async (chatId: string) => {
    if ((await list().remove(chatId)) && useConversationStore.getState().chatId === chatId) goToChat(null);
  };

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const chatId = await list().importChat(await file.text());
    if (chatId) goToChat(chatId);
  };

  return (
    <aside aria-label="Chats" className={cx('flex w-64 shrink-0 flex-col border-r border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900', className)}>
      <div className="flex gap-2 p-2">
        <button type="button" className={cx(secondaryButton, 'flex-1')} onClick={goToNewChat} title="New chat (Ctrl+N / ⌘N)">
          <PlusIcon /> New chat
        </button>
        <button type="button" className={secondaryButton} onClick={() => fileInput.current?.click()} title="Import a chat from a Hearth JSON export">
          Import
        </button>
        <button type="button" className={cx(iconButton, 'lg:hidden')} aria-label="Close chat list" onClick={onClose}>
          <CloseIcon />
        </button>
        <input ref={fileInput} type="file" accept=".json,application/json" className="hidden" aria-label="Import chat file" onChange={(e) => void importFile(e)} />
      </div>
      <div className="relative px-2 pb-2">
        <SearchIcon className="pointer-events-none absolute top-2 left-4 size-4 text-zinc-400" />
        <input
          id={CHAT_SEARCH_ID}
          type="search"
          aria-label="Search chats"
          placeholder="Search chats (Ctrl+K)"
          value={query}
          onChange={(event) => list().setQuery(event.target.value)}
          onKeyDown={(event) => event.key === 'Escape' && list().setQuery('')}
          className="w-full rounded-md border border-zinc-300 bg-white py-1 pr-2 pl-7 dark:border-zinc-700 dark:bg-zinc-950"
        />
      </div>
      {quarantined.length > 0 && (
        <div role="note" className="mx-2 mb-2 rounded-md border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900 dark:border-amber-700/60 dark:bg-amber-950/40 dark:text-amber-200">
          {quarantined.length === 1 ? '1 chat file could not be read' : `${quarantined.length} chat files could not be read`} and{' '}
          {quarantined.length === 1 ? 'was' : 'were'} set aside; every other chat loaded.
          <ul className="mt-1 list-disc pl-4">
            {quarantined.map((q) => (
              <li key={q.fileName} title={q.movedTo ?? undefined} className="break-words">
                {q.fileName}: {q.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {actionError && (
        <p role="alert" className={cx('px-3 pb-2 text-xs', errorText)}>
          {actionError}
        </p>
      )}
      <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-2">
        {query.trim() ? (
          <SearchResults hits={hits} />
        ) : !listed ? null : groups.length === 0 ? (
          <p className={cx('px-2 py-4 text-center text-xs', mutedText)}>No chats yet.</p>
        ) : (
          groups.map((group) => (
            <section key={group.label} aria-label={group.label} className="mb-2">
              <h2 className={cx(panelHeading, 'px-2 pt-2 pb-1')}>{group.label}</h2>
              <ul>
                {group.items.map((chat) => (
                  <ChatListItem
                    key={chat.id}
                    chat={chat}
                    active={chat.id === openId}
                    onRename={(title) => list().rename(chat.id, title)}
                    onDelete={() => void remove(chat.id)}
                  />
                ))}
              </ul>
            </section>
          ))
        )}
      </div>
    </aside>
  );
}

function SearchResults({ hits }: { hits: ChatSearchHit[] | null }) {
  if (hits === null) return <p className={cx('px-2 py-2 text-xs', mutedText)}>Searching…</p>;
  if (hits.length === 0) return <p className={cx('px-2 py-2 text-xs', mutedText)}>No chat matches.</p>;
  return (
    <ul aria-label="Search results">
      {hits.map((hit) => (
        <li key={hit.chatId}>
          <a href={chatHref(hit.chatId)} className="block rounded-md px-2 py-1.5 hover:bg-zinc-200/70 dark:hover:bg-zinc-800">
            <span className="block truncate font-medium">{hit.title}</span>
            {hit.field === 'message' && (
              <span className={cx('block text-xs break-words', mutedText)}>
                {hit.snippet.slice(0, hit.matchStart)}
                <mark className="rounded bg-accent-soft text-accent-text">{hit.snippet.slice(hit.matchStart, hit.matchStart + hit.matchLength)}</mark>
                {hit.snippet.slice(hit.matchStart + hit.matchLength)}
              </span>
            )}
          </a>
        </li>
      ))}
    </ul>
  );
}
