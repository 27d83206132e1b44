import { memo, useState } from 'react';
import type { ChatMessageNode } from '../../../../shared/chatDto';
import { cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { EditIcon, RegenerateIcon, TrashIcon } from '../../shared/components/icons';
import { iconButton } from './chatUi';
import { CopyButton } from './CopyButton';
import { EditMessageForm } from './EditMessageForm';
import { JsonReply } from './JsonReply';
import { Markdown } from './Markdown';
import type { VersionInfo } from './messagePath';
import { describeProgress, type ReplyProgress } from './replyStats';
import { ReplyStats } from './ReplyStats';
import { ToolCallCard } from './ToolCallCard';
import { ToolCallFold } from './ToolCallFold';
import { useConversationStore } from './conversation';
import { VersionSwitcher } from './VersionSwitcher';

export interface MessageActions {
  regenerate(messageId: string): void;
  edit(messageId: string, content: string): Promise<boolean>;
  switchVersion(messageId: string): void;
  deleteMessage(messageId: string): void;
}

interface Props {
  message: ChatMessageNode;
  versions: VersionInfo | null;
  /** Text streamed to this window for this reply; wins over the stored copy. */
  liveText?: string;
  streaming: boolean;
  progress?: ReplyProgress | null;
  /** A reply is being written in this chat: actions that start another wait. */
  busy: boolean;
  modelName?: string;
  actions: MessageActions;
}

/** One message with its versions, actions and, for replies, stats. Memoised: only the streaming one re-renders per frame. */
export const MessageItem = memo(function MessageItem({ message, versions, liveText, streaming, progress, busy, modelName, actions }: Props) {
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const isUser = message.role === 'user';
  const text = liveText ?? message.content;
  const dropped = message.reply?.droppedMessages ?? 0;
  // Calls of this reply waiting for Allow / Deny (core keeps them with the chat it sends).
  const pending = useConversationStore((s) => s.detail?.pendingToolCalls)?.filter((call) => call.messageId === message.id) ?? [];

  let body;
  if (editing) {
    body = <EditMessageForm initial={message.content} onCancel={() => setEditing(false)} onSend={(content) => actions.edit(message.id, content)} onDone={() => setEditing(false)} />;
  } else if (isUser) {
    body = <div className="leading-relaxed break-words whitespace-pre-wrap">{text}</div>;
  } else if (streaming && text === '') {
    body = progress ? (
      <p role="status" className={cx('text-sm', mutedText)}>
        {describeProgress(progress)}
      </p>
    ) : (
      <span className={cx('inline-block animate-pulse', mutedText)} aria-hidden="true">
        …
      </span>
    );
  } else if (message.reply?.responseFormat && !streaming && message.reply.status !== 'error') {
    // Asked for JSON: finished replies are shown formatted, with the engine's own check.
    body = <JsonReply text={text} check={message.reply.json} />;
  } else {
    body = <Markdown text={text} />;
  }

  return (
    <article
      aria-label={`${message.role} message`}
      aria-busy={isUser ? undefined : streaming}
      className={cx('group rounded-lg px-4 py-3', isUser ? 'ml-auto max-w-[85%] bg-zinc-100 dark:bg-zinc-800/70' : 'max-w-full')}
    >
      <div className={cx('mb-1 text-xs font-medium', mutedText)} aria-hidden="true">
        {isUser ? 'You' : 'Assistant'}
      </div>
      {dropped > 0 && (
        <p role="note" className={cx('mb-1 text-xs', mutedText)}>
          {dropped === 1 ? '1 earlier message was' : `${dropped} earlier messages were`} left out to fit the context
        </p>
      )}
      {message.toolRounds && message.toolRounds.length > 0 && <ToolCallFold rounds={message.toolRounds} />}
      {pending.map((call) => (
        <ToolCallCard key={call.callId} pending={call} />
      ))}
      {body}
      {message.reply?.notice && (
        <p role="note" className={cx('mt-1 text-xs whitespace-pre-wrap', mutedText)}>
          {message.reply.notice}
        </p>
      )}
      {!editing && (
        <div className="mt-1 flex flex-wrap items-center gap-x-1 gap-y-0.5">
          {versions && <VersionSwitcher versions={versions} disabled={busy} onSwitch={actions.switchVersion} />}
          {!streaming && (
            <>
              <CopyButton label="Copy message" text={() => text} />
              {isUser ? (
                <button type="button" className={iconButton} aria-label="Edit message" title="Edit and send again (the original stays as a version)" disabled={busy} onClick={() => setEditing(true)}>
                  <EditIcon />
                </button>
              ) : (
                <button type="button" className={iconButton} aria-label="Regenerate reply" title="Write a new version of this reply" disabled={busy} onClick={() => actions.regenerate(message.id)}>
                  <RegenerateIcon />
                </button>
              )}
              <button type="button" className={iconButton} aria-label="Delete message" title="Delete message" disabled={busy} onClick={() => setConfirmDelete(true)}>
                <TrashIcon />
              </button>
            </>
          )}
        </div>
      )}
      {confirmDelete && (
        <div role="alertdialog" aria-label="Delete message" className="mt-2 flex flex-wrap items-center gap-2 text-sm">
          <span className={errorText}>Delete this message and everything after it on this branch?</span>
          <button
            type="button"
            className={secondaryButton}
            onClick={() => {
              setConfirmDelete(false);
              actions.deleteMessage(message.id);
            }}
          >
            Delete
          </button>
          <button type="button" className={secondaryButton} onClick={() => setConfirmDelete(false)} autoFocus>
            Cancel
          </button>
        </div>
      )}
      {message.reply && !streaming && <ReplyStats reply={message.reply} modelName={modelName} />}
    </article>
  );
});
