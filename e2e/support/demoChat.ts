import type { Conversation } from '../../src/shared/chatDto';
import type { GenerationStats } from '../../src/shared/dto';

/**
 * A hand-written conversation for looking at the chat (screenshots) and for the 2,000-message
 * test: imported with `chats.import`, so no model is needed and the text is real Markdown.
 */
const stats: GenerationStats = {
  promptTokens: 412,
  cachedPromptTokens: 380,
  completionTokens: 312,
  queuedMs: 0,
  timeToFirstTokenMs: 180,
  totalMs: 7650,
  tokensPerSecond: 41.8,
  promptTokensPerSecond: 640,
  stopReason: 'eos',
};

const ANSWER = [
  'Here is a **quick comparison** of the two approaches:',
  '',
  '| Approach | Memory | Speed |',
  '|---|---|---|',
  '| Full GPU offload | 5.1 GB VRAM | 41.8 tok/s |',
  '| CPU only | 6.2 GB RAM | 9.4 tok/s |',
  '',
  'The attention cost grows as $O(n^2)$ in the context length $n$:',
  '',
  '$$',
  '\\text{softmax}\\left(\\frac{QK^T}{\\sqrt{d_k}}\\right)V',
  '$$',
  '',
  '```python',
  'def tokens_per_second(tokens: int, seconds: float) -> float:',
  '    # Guard against a zero-length measurement',
  '    return tokens / seconds if seconds > 0 else 0.0',
  '```',
  '',
  '1. Load the model with a context of 8k.',
  '2. Keep the conversation sequence so the next turn reuses the cache.',
].join('\n');

export function demoConversation(modelId: string, options: { id: string; title: string; turns?: number }): Conversation {
  const now = new Date().toISOString();
  const messages: Conversation['messages'] = [];
  let parent: string | null = null;
  const turns = options.turns ?? 1;
  for (let i = 0; i < turns; i++) {
    const userId = `u${i}`;
    messages.push({ id: userId, parentId: parent, role: 'user', content: i === turns - 1 ? 'How do GPU offload and CPU-only compare for a 7B model?' : `Question number ${i + 1}`, createdAt: now });
    const replyId = `a${i}`;
    messages.push({
      id: replyId,
      parentId: userId,
      role: 'assistant',
      content: i === turns - 1 ? ANSWER : `Answer number ${i + 1}, with some text so the row has a realistic height in the list.`,
      createdAt: now,
      reply: { modelId, params: { temperature: 0.7 }, status: 'done', stopReason: 'eos', stats },
    });
    parent = replyId;
  }
  // A second version of the last reply (regenerated), so the switcher shows "2/2".
  const last = messages[messages.length - 1]!;
  messages.push({ ...last, id: `a${turns - 1}v1`, content: 'An earlier, shorter answer.', reply: { ...last.reply!, stopReason: 'abort', status: 'stopped' } });
  return {
    schemaVersion: 1,
    id: options.id,
    title: options.title,
    titleSource: 'user',
    createdAt: now,
    updatedAt: now,
    overrides: {},
    messages,
    currentChild: { [last.parentId!]: last.id },
  };
}
