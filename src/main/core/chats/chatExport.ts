import type { ChatExport, ChatMessageNode, Conversation } from '../../../shared/chatDto';
import { activePath } from './chatTree';
import { serializeConversation } from './chatFile';

/**
 * Markdown (what the user sees: the active path, with each reply's model and stats) or JSON (the
 * whole conversation with every branch, exactly as stored, so `chats.import` restores it).
 */
export function exportConversation(conversation: Conversation, format: 'markdown' | 'json'): ChatExport {
  const base = safeFileName(conversation.title);
  if (format === 'json') return { fileName: `${base}.json`, mimeType: 'application/json', text: serializeConversation(conversation) };
  return { fileName: `${base}.md`, mimeType: 'text/markdown', text: toMarkdown(conversation) };
}

function toMarkdown(conversation: Conversation): string {
  const lines = [`# ${conversation.title}`, '', `_Exported from Hearth · created ${conversation.createdAt} · updated ${conversation.updatedAt}_`, ''];
  if (conversation.overrides.systemPrompt) lines.push('## System', '', conversation.overrides.systemPrompt, '');
  for (const message of activePath(conversation)) {
    lines.push(`## ${message.role === 'user' ? 'User' : 'Assistant'}`, '', message.content, '');
    const footer = replyFooter(message);
    if (footer) lines.push(`_${footer}_`, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** "model · 42 tokens · 12.3 tokens/s · first token 210 ms · stopped (abort)" */
function replyFooter(message: ChatMessageNode): string | null {
  const reply = message.reply;
  if (!reply) return null;
  const parts = [reply.modelId];
  if (reply.stats) {
    parts.push(`${reply.stats.completionTokens} tokens`, `${reply.stats.tokensPerSecond.toFixed(1)} tokens/s`, `first token ${Math.round(reply.stats.timeToFirstTokenMs)} ms`);
  }
  if (reply.status !== 'done') parts.push(reply.stopReason ? `${reply.status} (${reply.stopReason})` : reply.status);
  return parts.join(' · ');
}

/** A file name for any title: no path separators or characters Windows refuses, bounded length. */
function safeFileName(title: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = title.replace(/[\u0000-\u001f<>:"/\\|?*]+/g, ' ').replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
  return cleaned.slice(0, 80) || 'chat';
}
