import { ROOT_KEY, type Conversation } from '../../shared/chatDto';
import type { ChatArgs, ChatResult, GenerationStats, StopReason } from '../../shared/dto';
import type { GenerationCaller } from '../core/engine/replyCall';
import { CURRENT_CHAT_SCHEMA } from '../core/chats/chatMigrations';

/** A small valid conversation: a question and its answer. */
export function sampleConversation(id: string, text = 'Why is the sky blue?'): Conversation {
  return {
    schemaVersion: CURRENT_CHAT_SCHEMA,
    id,
    title: 'Sky',
    titleSource: 'user',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:01.000Z',
    overrides: { systemPrompt: 'Be brief.', params: { temperature: 0.5 } },
    messages: [
      { id: 'u1', parentId: null, role: 'user', content: text, createdAt: '2025-01-01T00:00:00.000Z' },
      {
        id: 'a1',
        parentId: 'u1',
        role: 'assistant',
        content: 'Rayleigh scattering.',
        createdAt: '2025-01-01T00:00:01.000Z',
        reply: { modelId: 'm.gguf', params: { temperature: 0.5 }, status: 'done', stopReason: 'eos' },
      },
    ],
    currentChild: { [ROOT_KEY]: 'u1', u1: 'a1' },
  };
}

/** Id of the conversation the crash test writes. */
export const CRASH_CHAT_ID = 'crash-test';

/**
 * Version `n` of the crash test's conversation: each version differs in content and size
 * (tens to hundreds of KB, so a write takes long enough to be killed in the middle of it).
 */
export function versionOf(n: number): Conversation {
  const conversation = sampleConversation(CRASH_CHAT_ID, `version ${n}`);
  conversation.messages[1]!.content = `reply ${n} ${'lorem ipsum '.repeat(5_000 + (n % 7) * 4_000)}`;
  return conversation;
}

/**
 * A stand-in for inference in pure chat-service tests: replies `words` one chunk every `delayMs`,
 * honours the abort signal like the engine (stop reason `abort`, text so far), or fails with
 * `fail` after the first chunk. Records every request it got.
 */
export function scriptedGenerate(options: { words?: string[]; delayMs?: number; fail?: Error } = {}) {
  const words = options.words ?? ['Hello', ' there', ',', ' friend', '.'];
  const calls: ChatArgs[] = [];
  const generate = async (args: ChatArgs, caller: GenerationCaller): Promise<ChatResult> => {
    calls.push(structuredClone(args));
    const started = performance.now();
    let text = '';
    let count = 0;
    let firstAt = 0;
    for (const word of words) {
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 1));
      if (caller.signal.aborted) break;
      text += word;
      count++;
      firstAt ||= performance.now() - started;
      caller.emit({ type: 'tokens', text: word, tokenCount: 1 });
      if (options.fail) throw options.fail;
    }
    const totalMs = performance.now() - started;
    const stopReason: StopReason = caller.signal.aborted ? 'abort' : 'eos';
    const stats: GenerationStats = {
      promptTokens: args.messages.length * 10,
      cachedPromptTokens: 0,
      completionTokens: count,
      queuedMs: 0,
      timeToFirstTokenMs: firstAt,
      totalMs,
      tokensPerSecond: count / (totalMs / 1000),
      promptTokensPerSecond: 1000,
      stopReason,
    };
    return { requestId: args.requestId, text, stats };
  };
  return { generate, calls };
}
