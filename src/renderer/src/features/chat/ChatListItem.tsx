import { useState, type KeyboardEvent } from 'react';
import type { ChatSummary } from '../../../../shared/chatDto';
import { EditIcon, TrashIcon } from '../../shared/components/icons';
import { cx } from '../../shared/components/ui';
import { chatHref } from './chatRoute';
import { fieldInput, iconButton } from './chatUi';

/** One chat in the sidebar: opens it; rename inline; delete (undoable). */
export function ChatListItem({
  chat,
  active,
  onRename,
  onDelete,
}: {
  chat: ChatSummary;
  active: boolean;
  onRename: (title: string) => Promise<boolean>;
  onDelete: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(chat.title);

  const save = async () => {
    const next = title.trim();
    setEditing(false);
    if (next && next !== chat.title) await onRename(next);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void save();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setEditing(false);
    }
  };

  if (editing) {
    return (
      <li className="px-1 py-0.5">
        <input
          aria-label="Chat title"
          value={title}
          autoFocus
          maxLength={200}
          onChange={(event) => setTitle(event.target.value)}
          onKeyDown={onKeyDown}
          onBlur={() => void save()}
          className={fieldInput}
        />
      </li>
    );
  }

  return (
    <li className={cx('group/item flex items-center rounded-md', active ? 'bg-accent-soft' : 'hover:bg-zinc-200/70 dark:hover:bg-zinc-800')}>
      <a
        href={chatHref(chat.id)}
        aria-current={active ? 'page' : undefined}
        className={cx('min-w-0 flex-1 truncate px-2 py-1.5', active && 'font-medium text-accent-text')}
        title={chat.title}
      >
        {chat.generating && (
          <span className="mr-1.5 inline-block size-1.5 animate-pulse rounded-full bg-accent align-middle" aria-label="writing a reply" role="img" />
        )}
        {chat.title}
      </a>
      <span className="flex shrink-0 opacity-70 group-focus-within/item:opacity-100 group-hover/item:opacity-100">
        <button
          type="button"
          className={iconButton}
          aria-label={`Rename chat ${chat.title}`}
          title="Rename"
          onClick={() => {
            setTitle(chat.title);
            setEditing(true);
          }}
        >
          <EditIcon className="size-3.5" />
        </button>
        <button type="button" className={iconButton} aria-label={`Delete chat ${chat.title}`} title="Delete (you can undo)" onClick={onDelete}>
          <TrashIcon className="size-3.5" />
        </button>
      </span>
    </li>
  );
}
