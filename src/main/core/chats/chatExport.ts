import type { ChatExport, ChatMessageNode, Conversation, ToolRound } from '../../../shared/chatDto';
import { formatArguments } from './chatTools';
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
    lines.push(`## ${message.role === 'user' ? 'User' : 'Assistant'}`, '');
    for (const round of message.toolRounds ?? []) lines.push(...toolRoundLines(round));
    lines.push(message.content, '');
    if (message.reply?.notice) lines.push(`> ${message.reply.notice.replace(/\n/g, '\n> ')}`, '');
    const footer = replyFooter(message);
    if (footer) lines.push(`_${footer}_`, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** A round's text, then each call: tool, server, decision, arguments and result in fenced blocks. */
function toolRoundLines(round: ToolRound): string[] {
  const lines = round.content ? [round.content, ''] : [];
  for (const call of round.calls) {
    const where = call.server ? `\`${call.tool}\` on MCP server \`${call.server}\`` : `\`${call.name}\` (not offered)`;
    const decision = call.decision ? ` · ${call.decision === 'deny' ? 'denied' : 'allowed'}` : '';
    lines.push(`**Tool call:** ${where}${decision}`, '', fence(formatArguments(call.arguments), 'json'));
    if (call.result) lines.push(`**Result${call.result.isError ? ' (error)' : ''}${call.result.truncated ? ' (truncated)' : ''}:**`, '', fence(call.result.content, 'text'));
  }
  return lines;
}

/** A fenced block longer than any backtick run inside, so the text cannot close it. */
function fence(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${text}\n${ticks}\n`;
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
