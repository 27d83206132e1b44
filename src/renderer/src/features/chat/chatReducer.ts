import type { ChatMessage, ChatResult, GenerationStats } from '../../../../shared/dto';

/**
 * Pure transitions of the in-memory conversation. The store calls these; tests drive them
 * directly. Every function returns the same array when nothing changed, so React skips work.
 */

export interface UiMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  /** Assistant replies: the request that produces this text (token events carry it). */
  requestId?: string;
  stats?: GenerationStats;
  /** Why the reply failed, verbatim from the server; the partial text is kept. */
  error?: string;
  streaming?: boolean;
  /** Before the first text: waiting in the queue, or reading the prompt. Cleared by the first text. */
  progress?: ReplyProgress;
}

export type ReplyProgress = { kind: 'queued'; position: number } | { kind: 'prompt'; processed: number; total: number };

/** New reply text per request, merged from several token events between two frames. */
export type TokenBatch = Map<string, string>;

/** Adds one token event to a pending batch (mutates: batches live only until the next frame). */
export function mergeTokens(batch: TokenBatch, requestId: string, text: string): void {
  if (!text) return;
  batch.set(requestId, (batch.get(requestId) ?? '') + text);
}

/**
 * Appends each request's pending text to its reply. Text for replies already finished by their
 * result is dropped (the result's full text is authoritative); text arriving for a failed reply
 * is kept, since it was generated before the failure and the partial reply stays visible.
 */
export function applyTokenBatch(messages: UiMessage[], batch: ReadonlyMap<string, string>): UiMessage[] {
  if (batch.size === 0) return messages;
  let changed = false;
  const next = messages.map((message) => {
    if (!message.requestId || message.stats) return message;
    const text = batch.get(message.requestId);
    if (!text) return message;
    changed = true;
    return { ...message, content: message.content + text, progress: undefined };
  });
  return changed ? next : messages;
}

/** Queue position or prompt progress of a reply that has no text yet. */
export function setReplyProgress(messages: UiMessage[], requestId: string, progress: ReplyProgress): UiMessage[] {
  const reply = messages.find((message) => message.requestId === requestId);
  if (!reply || reply.stats || reply.content) return messages;
  return updateReply(messages, requestId, (message) => ({ ...message, progress }));
}

/** The reply finished: its text is the result's full text, with stats. */
export function finishReply(messages: UiMessage[], result: ChatResult): UiMessage[] {
  return updateReply(messages, result.requestId, (message) => ({
    ...message,
    content: result.text,
    stats: result.stats,
    streaming: false,
    progress: undefined,
  }));
}

/** The reply failed: keep what streamed so far and show why. */
export function failReply(messages: UiMessage[], requestId: string, error: string): UiMessage[] {
  return updateReply(messages, requestId, (message) => ({ ...message, error, streaming: false, progress: undefined }));
}

/**
 * What to send as the conversation: every message in order, except failed replies and empty
 * ones (an interrupted or failed turn must not be fed back to the model as if it were an answer).
 */
export function toHistory(messages: UiMessage[]): ChatMessage[] {
  return messages
    .filter((message) => !message.error && message.content.trim() !== '')
    .map((message) => ({ role: message.role, content: message.content }));
}

function updateReply(messages: UiMessage[], requestId: string, update: (message: UiMessage) => UiMessage): UiMessage[] {
  const index = messages.findIndex((message) => message.requestId === requestId);
  if (index === -1) return messages;
  const next = messages.slice();
  next[index] = update(messages[index]!);
  return next;
}
