import { useLayoutEffect, useMemo, useRef, useState, type UIEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ChatMessageNode } from '../../../../shared/chatDto';
import { ArrowDownIcon } from '../../shared/components/icons';
import { cx, errorText, mutedText, secondaryButton } from '../../shared/components/ui';
import { modelDisplayName, useModelsStore } from '../models/models';
import { selectGenerating, selectOpenStream, useConversationStore } from './conversation';
import { MessageItem, type MessageActions } from './MessageItem';
import { pathRows, type VersionInfo } from './messagePath';

/** Pixels from the bottom within which the list keeps following new text. */
const FOLLOW_THRESHOLD = 48;

interface Item {
  key: string;
  message: ChatMessageNode;
  versions: VersionInfo | null;
}

const actions: MessageActions = {
  regenerate: (id) => void useConversationStore.getState().regenerate(id),
  edit: (id, content) => useConversationStore.getState().edit(id, content),
  switchVersion: (id) => void useConversationStore.getState().switchVersion(id),
  deleteMessage: (id) => void useConversationStore.getState().deleteMessage(id),
};

/**
 * The conversation, virtualised (only the messages in view are in the page, so a 2,000-message chat
 * opens at once). Follows new text unless the user scrolled up; "Jump to latest" brings it back.
 */
export function MessageList() {
  const chatId = useConversationStore((s) => s.chatId);
  const detail = useConversationStore((s) => s.detail);
  const loadError = useConversationStore((s) => s.loadError);
  const stream = useConversationStore(selectOpenStream);
  const busy = useConversationStore(selectGenerating);
  const models = useModelsStore((s) => s.models);
  const names = useMemo(() => new Map(models.map((m) => [m.id, modelDisplayName(m)])), [models]);

  const rows = useMemo(() => (detail ? pathRows(detail) : []), [detail]);
  const hasStream = stream !== null;
  const streamMessageId = stream?.messageId ?? null;
  const pendingUser = stream?.pendingUser ?? null;
  const items = useMemo<Item[]>(() => {
    const list: Item[] = rows.map((row) => ({ key: row.message.id, message: row.message, versions: row.versions }));
    // Until core's copy arrives, this window's new message and reply are drawn from the stream.
    if (hasStream && (streamMessageId === null || !list.some((item) => item.key === streamMessageId))) {
      if (pendingUser !== null) list.push({ key: 'pending-user', message: pending('pending-user', 'user', pendingUser), versions: null });
      list.push({ key: 'pending-reply', message: pending('pending-reply', 'assistant', ''), versions: null });
    }
    return list;
  }, [rows, hasStream, streamMessageId, pendingUser]);

  const scroller = useRef<HTMLElement>(null);
  const following = useRef(true);
  const [atBottom, setAtBottom] = useState(true);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render on purpose
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 120,
    overscan: 4,
    getItemKey: (index) => items[index]!.key,
  });
  const totalSize = virtualizer.getTotalSize();

  // A chat opened or a reply started: follow it again.
  const followKey = `${chatId}\u0000${stream?.requestId ?? ''}`;
  const lastFollowKey = useRef(followKey);
  const liveLength = stream?.text.length ?? 0;
  useLayoutEffect(() => {
    if (lastFollowKey.current !== followKey) {
      lastFollowKey.current = followKey;
      following.current = true;
      setAtBottom(true);
    }
    const element = scroller.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [followKey, items, liveLength, totalSize]);

  const onScroll = (event: UIEvent<HTMLElement>) => {
    const element = event.currentTarget;
    const bottom = element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_THRESHOLD;
    following.current = bottom;
    setAtBottom(bottom);
  };

  const jumpToLatest = () => {
    following.current = true;
    setAtBottom(true);
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  };

  let empty = null;
  if (items.length === 0) {
    if (loadError) empty = <p role="alert" className={cx('py-12 text-center', errorText)}>{loadError}</p>;
    else if (chatId && !detail) empty = <p className={cx('py-12 text-center', mutedText)}>Opening the chat…</p>;
    else empty = <p className={cx('py-12 text-center', mutedText)}>Send a message to start a new chat.</p>;
  }

  return (
    <div className="relative min-h-0 flex-1">
      <section aria-label="Conversation" ref={scroller} onScroll={onScroll} className="h-full overflow-y-auto">
        {empty ?? (
          <div className="relative mx-auto w-full max-w-3xl" style={{ height: totalSize }}>
            {virtualizer.getVirtualItems().map((virtual) => {
              const item = items[virtual.index]!;
              const isStreaming = stream !== null && (item.key === stream.messageId || item.key === 'pending-reply');
              return (
                <div
                  key={virtual.key}
                  data-index={virtual.index}
                  ref={virtualizer.measureElement}
                  className="absolute top-0 left-0 w-full px-4 py-1.5"
                  style={{ transform: `translateY(${virtual.start}px)` }}
                >
                  <MessageItem
                    message={item.message}
                    versions={item.versions}
                    liveText={isStreaming ? stream.text : undefined}
                    streaming={isStreaming || item.message.reply?.status === 'streaming'}
                    progress={isStreaming ? stream.progress : null}
                    busy={busy}
                    modelName={item.message.reply ? names.get(item.message.reply.modelId) : undefined}
                    actions={actions}
                  />
                </div>
              );
            })}
          </div>
        )}
      </section>
      {!atBottom && items.length > 0 && (
        <button type="button" className={cx(secondaryButton, 'absolute bottom-3 left-1/2 -translate-x-1/2 shadow-md')} onClick={jumpToLatest}>
          <ArrowDownIcon /> Jump to latest
        </button>
      )}
    </div>
  );
}

function pending(id: string, role: 'user' | 'assistant', content: string): ChatMessageNode {
  return { id, parentId: null, role, content, createdAt: '' };
}
