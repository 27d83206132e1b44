import type { ChatMessage } from '../../shared/dto';

/**
 * A conversation of roughly `tokens` tokens for the generated models' vocabulary (~1 token per
 * 3.5 characters of this text), to fill a context and so touch every KV cell and the whole
 * attention buffer — what a long chat eventually does.
 */
export function conversationOf(tokens: number): ChatMessage[] {
  const turn = 'the quick brown fox jumps over the lazy dog and keeps running through the field ';
  const chars = Math.max(1, Math.round(tokens * 3.2));
  return [{ role: 'user', content: turn.repeat(Math.ceil(chars / turn.length)).slice(0, chars) }];
}
