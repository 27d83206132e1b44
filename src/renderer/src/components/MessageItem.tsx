import { memo } from 'react';
import type { UiMessage } from '../stores/chatReducer';
import { MessageContent } from './MessageContent';
import { ReplyStats } from './ReplyStats';
import { cx, errorText, mutedText } from './ui';

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
      {message.streaming && message.content === '' && (
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
