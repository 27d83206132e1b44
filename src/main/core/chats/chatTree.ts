import { ROOT_KEY, type ChatMessageNode, type Conversation } from '../../../shared/chatDto';

/**
 * Pure operations on a conversation's message tree. Every change goes through here so the tree
 * stays valid: each `parentId` names an existing message, no cycles, and `currentChild` only
 * points from a parent to one of its own children.
 */

function keyOf(parentId: string | null): string {
  return parentId ?? ROOT_KEY;
}

/** Children of `parentId` (null = first messages), in creation order. */
export function childrenOf(conversation: Conversation, parentId: string | null): ChatMessageNode[] {
  return conversation.messages.filter((m) => m.parentId === parentId);
}

export function findMessage(conversation: Conversation, id: string): ChatMessageNode | undefined {
  return conversation.messages.find((m) => m.id === id);
}

/**
 * Messages shown, first to last: from the root, follow `currentChild`, or the newest child where
 * none is chosen (so a tree repaired after a deletion still shows something sensible).
 */
export function activePath(conversation: Conversation): ChatMessageNode[] {
  const byParent = new Map<string, ChatMessageNode[]>();
  for (const message of conversation.messages) {
    const key = keyOf(message.parentId);
    byParent.set(key, [...(byParent.get(key) ?? []), message]);
  }
  const path: ChatMessageNode[] = [];
  let key = ROOT_KEY;
  // Bounded by the message count: a valid tree has no cycles, this only guards a bug.
  for (let step = 0; step <= conversation.messages.length; step++) {
    const children = byParent.get(key);
    if (!children?.length) break;
    const chosen = children.find((c) => c.id === conversation.currentChild[key]) ?? children[children.length - 1]!;
    path.push(chosen);
    key = chosen.id;
  }
  return path;
}

/** Adds `message` under its parent and makes it the current child there. */
export function addMessage(conversation: Conversation, message: ChatMessageNode): void {
  if (message.parentId !== null && !findMessage(conversation, message.parentId)) {
    throw new Error(`parent ${message.parentId} does not exist`);
  }
  if (findMessage(conversation, message.id)) throw new Error(`message ${message.id} already exists`);
  conversation.messages.push(message);
  conversation.currentChild[keyOf(message.parentId)] = message.id;
}

/** Makes `message` the version shown at its branch point. */
export function selectMessage(conversation: Conversation, message: ChatMessageNode): void {
  conversation.currentChild[keyOf(message.parentId)] = message.id;
}

/**
 * Removes a message and everything under it. Where the removed message was the current child,
 * the newest remaining sibling becomes current (or none remains). Returns the removed ids.
 */
export function removeSubtree(conversation: Conversation, id: string): string[] {
  const target = findMessage(conversation, id);
  if (!target) return [];
  const removed = new Set<string>([id]);
  // Messages are kept in creation order and a child is always created after its parent, but a
  // fixed point does not rely on that.
  let grew = true;
  while (grew) {
    grew = false;
    for (const message of conversation.messages) {
      if (message.parentId !== null && removed.has(message.parentId) && !removed.has(message.id)) {
        removed.add(message.id);
        grew = true;
      }
    }
  }
  conversation.messages = conversation.messages.filter((m) => !removed.has(m.id));
  for (const key of Object.keys(conversation.currentChild)) {
    if (removed.has(key)) delete conversation.currentChild[key];
  }
  const parentKey = keyOf(target.parentId);
  if (conversation.currentChild[parentKey] === id) {
    const siblings = childrenOf(conversation, target.parentId);
    if (siblings.length) conversation.currentChild[parentKey] = siblings[siblings.length - 1]!.id;
    else delete conversation.currentChild[parentKey];
  }
  return [...removed];
}

/**
 * Checks the tree of a conversation read from disk or imported. Returns why it is broken, or
 * null. `currentChild` entries that point nowhere valid are dropped (repairable, not a reason to
 * refuse the file).
 */
export function checkTree(conversation: Conversation): string | null {
  const byId = new Map<string, ChatMessageNode>();
  for (const message of conversation.messages) {
    if (byId.has(message.id)) return `message id ${message.id} appears twice`;
    byId.set(message.id, message);
  }
  for (const message of conversation.messages) {
    if (message.parentId !== null && !byId.has(message.parentId)) return `message ${message.id} answers a missing message ${message.parentId}`;
    if (message.role === 'assistant' && !message.reply) return `assistant message ${message.id} has no reply details`;
  }
  for (const message of conversation.messages) {
    // Walk up: a chain longer than the message count means a cycle.
    let cursor: ChatMessageNode | undefined = message;
    for (let steps = 0; cursor && cursor.parentId !== null; steps++) {
      if (steps > conversation.messages.length) return `messages form a cycle at ${message.id}`;
      cursor = byId.get(cursor.parentId);
    }
  }
  for (const [key, childId] of Object.entries(conversation.currentChild)) {
    const child = byId.get(childId);
    const parentOk = key === ROOT_KEY || byId.has(key);
    if (!parentOk || !child || keyOf(child.parentId) !== key) delete conversation.currentChild[key];
  }
  return null;
}

/** The messages from the first one down to `id`, following parents (empty when `id` is unknown). */
export function pathTo(conversation: Conversation, id: string): ChatMessageNode[] {
  const path: ChatMessageNode[] = [];
  let cursor = findMessage(conversation, id);
  while (cursor && path.length <= conversation.messages.length) {
    path.unshift(cursor);
    cursor = cursor.parentId === null ? undefined : findMessage(conversation, cursor.parentId);
  }
  return path;
}

/** Makes `id` and its ancestors the current versions, so it is on the active path. */
export function reveal(conversation: Conversation, id: string): void {
  for (const message of pathTo(conversation, id)) selectMessage(conversation, message);
}
