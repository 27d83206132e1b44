import type { ChatDetail, ChatMessageNode } from '../../../../shared/chatDto';

/**
 * What the message list shows, computed from the tree core sends: the messages on the active path,
 * each with its place among its versions (siblings: regenerated replies, edited user messages).
 */

export interface VersionInfo {
  /** 1-based place of this message among its siblings, in creation order. */
  index: number;
  count: number;
  previousId: string | null;
  nextId: string | null;
}

export interface MessageRow {
  message: ChatMessageNode;
  /** Null when the message has no other version. */
  versions: VersionInfo | null;
}

/** Rows of the active path, in order. Linear in the number of messages (2,000-message chats). */
export function pathRows(detail: Pick<ChatDetail, 'messages' | 'activePath'>): MessageRow[] {
  const byId = new Map<string, ChatMessageNode>();
  const siblings = new Map<string, ChatMessageNode[]>();
  for (const message of detail.messages) {
    byId.set(message.id, message);
    const key = siblingKey(message);
    const list = siblings.get(key);
    if (list) list.push(message);
    else siblings.set(key, [message]);
  }
  const rows: MessageRow[] = [];
  for (const id of detail.activePath) {
    const message = byId.get(id);
    if (!message) continue;
    const group = siblings.get(siblingKey(message)) ?? [message];
    rows.push({ message, versions: versionInfo(group, message.id) });
  }
  return rows;
}

/** Versions are the children of one parent with the same role. */
function siblingKey(message: ChatMessageNode): string {
  return `${message.parentId ?? ''}\u0000${message.role}`;
}

function versionInfo(group: ChatMessageNode[], id: string): VersionInfo | null {
  if (group.length < 2) return null;
  const at = group.findIndex((m) => m.id === id);
  return {
    index: at + 1,
    count: group.length,
    previousId: at > 0 ? group[at - 1]!.id : null,
    nextId: at < group.length - 1 ? group[at + 1]!.id : null,
  };
}
