import { memo } from 'react';
import type { ReplyProgress, UiMessage } from './chatReducer';
import { MessageContent } from './MessageContent';
import { ReplyStats } from './ReplyStats';
import { cx, errorText, mutedText } from '../../shared/components/ui';

/**
 * One message. Memoised: while a reply streams only its own article re-renders, because the
 * store keeps every other message object as it was.
 */
export const MessageItem = memo(function MessageItem({ message }: { message: UiMessage }) {
  const isUser = message.role === 'user';
  return (
    <article
      aria-label={`${message.role} message`}
      aria-busy={isUser ? undefined : Boolean(message.streaming)}
      className={cx(
        'rounded-lg px-4 py-3',
        isUser ? 'ml-auto max-w-[85%] bg-zinc-100 dark:bg-zinc-800/70' : 'max-w-full',
      )}
    >
      <div className={cx('mb-1 text-xs font-medium', mutedText)} aria-hidden="true">
        {isUser ? 'You' : 'Assistant'}
      </div>
      <MessageContent text={message.content} />
      {message.streaming && message.content === '' && message.progress && (
        <p role="status" className={cx('text-sm', mutedText)}>
          {describeProgress(message.progress)}
        </p>
      )}
      {message.streaming && message.content === '' && !message.progress && (
        <span className={cx('inline-block animate-pulse', mutedText)} aria-hidden="true">
          …
        </span>
      )}
      {message.error && (
        <p role="alert" className={cx('mt-2 text-sm', errorText)}>
          {message.error}
        </p>
      )}
      {message.stats && <ReplyStats stats={message.stats} />}
    </article>
  );
});

/** "Waiting: 2nd in line…" or "Reading the conversation: 40 %". */
export function describeProgress(progress: ReplyProgress): string {
  if (progress.kind === 'queued') {
    return progress.position === 1 ? 'Waiting for a free slot: next in line…' : `Waiting for a free slot: ${progress.position} in line…`;
  }
  const percent = progress.total > 0 ? Math.floor((progress.processed / progress.total) * 100) : 0;
  return `Reading the conversation: ${percent} % (${progress.processed} of ${progress.total} tokens)`;
}
