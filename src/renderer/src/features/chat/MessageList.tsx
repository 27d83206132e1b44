import { useLayoutEffect, useRef } from 'react';
import { useChatStore } from './chat';
import { MessageItem } from './MessageItem';
import { cx, mutedText } from '../../shared/components/ui';

/** Pixels from the bottom within which the list keeps following new text. */
const FOLLOW_THRESHOLD = 48;

/** The conversation. Follows streaming text, unless the user scrolled up to read. */
export function MessageList() {
  const messages = useChatStore((s) => s.messages);
  const scroller = useRef<HTMLElement>(null);
  const following = useRef(true);
  const count = useRef(0);

  useLayoutEffect(() => {
    // A new turn (the user just sent) always brings the view back to the bottom.
    if (messages.length > count.current) following.current = true;
    count.current = messages.length;
    const element = scroller.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [messages]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    following.current = element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_THRESHOLD;
  };

  return (
    <section aria-label="Conversation" ref={scroller} onScroll={onScroll} className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto flex max-w-3xl flex-col gap-3 px-4 py-4">
        {messages.length === 0 ? (
          <p className={cx('py-12 text-center', mutedText)}>Send a message to start a new chat.</p>
        ) : (
          messages.map((message) => <MessageItem key={message.id} message={message} />)
        )}
      </div>
    </section>
  );
}
