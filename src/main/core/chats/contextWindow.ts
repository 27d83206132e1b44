import type { ChatMessage } from '../../../shared/dto';

/**
 * Which messages of a conversation the model reads when they do not all fit its context.
 *
 * How Hearth knows a turn will not fit (a deliberate choice; see README "Chats"): counting the
 * exact tokens would cost a round trip to the engine process per turn, so the size is
 * *estimated* here — UTF-8 bytes / {@link BYTES_PER_TOKEN} plus {@link TEMPLATE_TOKENS} per message,
 * scaled by how far that estimate was off for the previous reply, whose true size the engine
 * reported (prompt + completion tokens). When the engine still refuses the prompt with
 * CONTEXT_OVERFLOW, the reply is retried with one more turn left out, at most
 * {@link MAX_OVERFLOW_RETRIES} times.
 *
 * Rules: the system prompt and the new user message are never left out; whole turns go, oldest
 * first, so the kept history starts with a user message; turns an earlier reply on the same path
 * left out stay out (the prefix stays the same, so the engine reuses its cache); and when turns
 * must go, enough go to free a further {@link DROP_SLACK_SHARE} of the context, so the next turns
 * do not drop (and read everything again) one message at a time.
 */

/** Reply limit when neither the call nor the chat's overrides set `maxTokens`, in tokens. */
export const DEFAULT_MAX_TOKENS = 1024;
/** Retries after CONTEXT_OVERFLOW, each with one more turn left out. */
export const MAX_OVERFLOW_RETRIES = 3;
/** Share of the context kept free for the reply (or `maxTokens`, when smaller). */
export const REPLY_SHARE = 0.25;
/** Extra share of the context freed when turns must be left out. */
export const DROP_SLACK_SHARE = 0.25;
/** Tokens a chat template adds around one message (role markers), estimated. */
export const TEMPLATE_TOKENS = 8;
/** UTF-8 bytes per token assumed before calibration: low for English (≈4), so the estimate errs high. */
export const BYTES_PER_TOKEN = 3;

/** The true size of a stretch of the conversation, as the engine measured it. */
export interface KnownSize {
  /** Index in `turns` of the first message the previous reply read. */
  from: number;
  /** Index in `turns` after that reply (its prompt and its own text). */
  to: number;
  /** Its prompt tokens plus completion tokens (system prompt included). */
  tokens: number;
}

export interface FitInput {
  system: ChatMessage | null;
  /** The conversation down to the new user message, which is last. */
  turns: ChatMessage[];
  /** Tokens per conversation of the loaded model; null = unknown (nothing is left out). */
  contextSize: number | null;
  /** The reply's token limit. */
  maxTokens: number;
  /** Messages at the start of `turns` that the previous reply on this path left out. */
  previouslyDropped: number;
  known?: KnownSize;
}

/** Estimated tokens of one message before calibration. */
export function estimateTokens(message: ChatMessage): number {
  return Math.ceil(Buffer.byteLength(message.content, 'utf8') / BYTES_PER_TOKEN) + TEMPLATE_TOKENS;
}

/** Leaves out one more turn: the first kept message, then assistant messages until a user one. */
export function dropMore(turns: ChatMessage[], dropped: number): number {
  const last = turns.length - 1;
  let next = Math.min(dropped + 1, last);
  while (next < last && turns[next]!.role !== 'user') next++;
  return Math.max(next, 0);
}

/** How many messages at the start of `turns` to leave out (0 = the model reads everything). */
export function messagesToDrop(input: FitInput): number {
  const { system, turns, contextSize, known } = input;
  if (contextSize === null || turns.length <= 1) return 0;
  const sizes = turns.map(estimateTokens);
  const systemSize = system ? estimateTokens(system) : 0;
  const sum = (from: number, to: number) => sizes.slice(from, to).reduce((a, b) => a + b, systemSize);
  let scale = 1;
  if (known && known.to > known.from && known.tokens > 0) scale = Math.min(4, Math.max(0.25, known.tokens / sum(known.from, known.to)));
  const budget = contextSize - Math.min(input.maxTokens, Math.floor(contextSize * REPLY_SHARE));
  const size = (dropped: number) => scale * sum(dropped, turns.length);

  let dropped = 0;
  if (input.previouslyDropped > 0) {
    dropped = Math.min(input.previouslyDropped, turns.length - 1);
    if (dropped < turns.length - 1 && turns[dropped]!.role !== 'user') dropped = dropMore(turns, dropped);
  }
  if (size(dropped) <= budget) return dropped;
  const target = budget - Math.floor(contextSize * DROP_SLACK_SHARE);
  while (dropped < turns.length - 1 && size(dropped) > target) dropped = dropMore(turns, dropped);
  return dropped;
}
