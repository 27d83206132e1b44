import type { ChatMessageNode, Conversation } from '../../../shared/chatDto';
import { AppError } from '../../../shared/errors';
import { newMessageId } from './chatReplies';
import { activePath, addMessage, findMessage, reveal } from './chatTree';

/**
 * Where each reply-producing call puts its reply: each returns the user message to answer, after
 * adding what the call creates. Run while the conversation is claimed (see ReplyRunner.run).
 */

/** `chats.send`: a new user message after the last message shown. */
export function appendUserMessage(conversation: Conversation, content: string): ChatMessageNode {
  const leaf = activePath(conversation).at(-1);
  const user: ChatMessageNode = { id: newMessageId(), parentId: leaf?.id ?? null, role: 'user', content, createdAt: new Date().toISOString() };
  addMessage(conversation, user);
  return user;
}

/**
 * `chats.regenerate`: an assistant message gets a new sibling version (its user message is
 * answered again); a user message gets a reply. Default: the last message shown.
 */
export function regenerateTarget(conversation: Conversation, messageId: string | undefined): ChatMessageNode {
  const target = messageId ? findMessage(conversation, messageId) : activePath(conversation).at(-1);
  if (messageId && !target) throw new AppError('NOT_FOUND', 'That message is not in this chat.');
  if (!target) throw new AppError('BAD_REQUEST', 'This chat has no message to reply to yet.');
  const user = target.role === 'user' ? target : target.parentId ? findMessage(conversation, target.parentId) : undefined;
  if (!user) throw new AppError('BAD_REQUEST', 'This reply does not answer a message, so it cannot be regenerated.');
  reveal(conversation, user.id);
  return user;
}

/** `chats.editMessage`: the edited text as a new user sibling (a branch; the original stays reachable). */
export function editedUserMessage(conversation: Conversation, messageId: string, content: string): ChatMessageNode {
  const original = findMessage(conversation, messageId);
  if (!original) throw new AppError('NOT_FOUND', 'That message is not in this chat.');
  if (original.role !== 'user') throw new AppError('BAD_REQUEST', 'Only your own messages can be edited; regenerate a reply instead.');
  const edited: ChatMessageNode = { id: newMessageId(), parentId: original.parentId, role: 'user', content, createdAt: new Date().toISOString() };
  addMessage(conversation, edited);
  reveal(conversation, edited.id);
  return edited;
}
