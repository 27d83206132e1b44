import type { ChatContextUsage, ChatDetail, ChatSummary, Conversation } from '../../../shared/chatDto';
import { chatContextSize, type ChatModelLookup } from './chatModels';
import type { ReplyRunner } from './chatReplies';
import type { ToolCallGate } from './chatTools';
import { activePath } from './chatTree';

/**
 * What the `chats.*` methods return of a conversation: a row of the chat list, or the whole chat
 * (a copy) with what is live in it — the reply being written, tool calls waiting, context used.
 */

/** What a chat's views read besides the conversation itself. */
export interface ChatViewSources {
  replies: Pick<ReplyRunner, 'isRunning' | 'streamingMessageId'>;
  gate: Pick<ToolCallGate, 'pendingIn'>;
  models: ChatModelLookup;
}

export function chatSummary(conversation: Conversation, sources: ChatViewSources): ChatSummary {
  const path = activePath(conversation);
  return {
    id: conversation.id,
    title: conversation.title,
    updatedAt: conversation.updatedAt,
    messageCount: path.length,
    modelId: conversation.modelId ?? null,
    generating: sources.replies.isRunning(conversation.id),
  };
}

export function chatDetail(conversation: Conversation, sources: ChatViewSources): ChatDetail {
  return {
    ...structuredClone(conversation),
    activePath: activePath(conversation).map((m) => m.id),
    streamingMessageId: sources.replies.streamingMessageId(conversation.id),
    pendingToolCalls: sources.gate.pendingIn(conversation.id),
    context: contextUsage(conversation, sources.models),
  };
}

/** Tokens the active path used when last read (the last reply with stats) and the chat's model's context size. */
function contextUsage(conversation: Conversation, models: ChatModelLookup): ChatContextUsage {
  const stats = activePath(conversation).findLast((m) => m.reply?.stats)?.reply?.stats;
  return { usedTokens: stats ? stats.promptTokens + stats.completionTokens : 0, contextSize: chatContextSize(conversation, models) };
}
