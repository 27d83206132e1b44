import type { ChatMessageNode, Conversation } from '../../../shared/chatDto';
import type { ChatArgs, ChatMessage, ChatResult, Tool, ToolChoice } from '../../../shared/dto';
import { toErrorShape } from '../../../shared/errors';
import type { GenerationCaller } from '../engine/replyCall';
import type { Logger } from '../logging/logger';
import type { ChatModelLookup } from './chatModels';
import { nodeMessages } from './chatTools';
import { pathTo } from './chatTree';
import { DEFAULT_MAX_TOKENS, dropMore, MAX_OVERFLOW_RETRIES, messagesToDrop } from './contextWindow';

/**
 * What the model reads for one round of a reply, and the engine call with it: the system prompt
 * and the history down to the user message, left out from the oldest turn as far as needed to fit
 * the model's context (the rules are in `contextWindow.ts`), then the reply's own tool rounds.
 */

/** What generates a reply: `InferenceService.chat` (tests may pass a plain function). */
export type ChatGenerate = (args: ChatArgs, caller: GenerationCaller) => Promise<ChatResult>;

/** What {@link generateFitting} needs from the runner (its options fit). */
export interface FittingDeps {
  generate: ChatGenerate;
  /** The resident models, for the context size of the model writing the reply. */
  models: ChatModelLookup;
  logger: Logger;
}

/**
 * Generates with the history that fits the context (see `contextWindow.ts`): the oldest turns
 * left out by estimate, and one more turn per CONTEXT_OVERFLOW, at most MAX_OVERFLOW_RETRIES
 * times. How many were left out is recorded on the reply (`droppedMessages`).
 */
export async function generateFitting(
  deps: FittingDeps,
  conversation: Conversation,
  user: ChatMessageNode,
  reply: ChatMessageNode,
  requestId: string,
  caller: GenerationCaller,
  { tools, toolChoice }: { tools: Tool[]; toolChoice: ToolChoice },
): Promise<ChatResult> {
  const info = reply.reply!;
  const { system, nodes, turns, ends } = history(conversation, user);
  // This reply's own rounds so far (its calls and their results) follow the history; never left out.
  const ongoing = reply.toolRounds?.length ? nodeMessages({ ...reply, content: '' }) : [];
  const previous = nodes.findLastIndex((m) => m.reply?.stats);
  const before = previous >= 0 ? nodes[previous]!.reply! : undefined;
  const known = before?.stats ? { from: before.droppedMessages ?? 0, to: ends[previous]!, tokens: before.stats.promptTokens + before.stats.completionTokens } : undefined;
  let dropped = messagesToDrop({
    system,
    turns,
    // The context of the model writing this reply (the chat's model may be changed meanwhile).
    contextSize: deps.models.residentModel(info.modelId)?.settings.contextSize ?? null,
    maxTokens: info.params.maxTokens ?? DEFAULT_MAX_TOKENS,
    previouslyDropped: before?.droppedMessages ?? 0,
    ...(known ? { known } : {}),
  });
  for (let attempt = 0; ; attempt++) {
    if (dropped > 0) info.droppedMessages = dropped;
    else delete info.droppedMessages;
    const messages = [...(system ? [system] : []), ...turns.slice(dropped), ...ongoing];
    const args: ChatArgs = {
      requestId,
      modelId: info.modelId,
      messages,
      params: info.params,
      ...(info.responseFormat ? { responseFormat: info.responseFormat } : {}),
      ...(tools.length ? { tools, toolChoice } : {}),
    };
    try {
      return await deps.generate(args, caller);
    } catch (error) {
      const more = dropMore(turns, dropped);
      if (toErrorShape(error).code !== 'CONTEXT_OVERFLOW' || attempt >= MAX_OVERFLOW_RETRIES || more === dropped || caller.signal.aborted) throw error;
      deps.logger.info('chat did not fit the context; leaving out one more turn', { chatId: conversation.id, dropped: more });
      dropped = more;
    }
  }
}

/**
 * What the model may read: the system prompt, and the messages down to `user` (empty failed
 * replies left out; a reply with tool calls as its rounds, see `nodeMessages`). `ends[i]` is
 * where node i's messages end in `turns`.
 */
function history(conversation: Conversation, user: ChatMessageNode): { system: ChatMessage | null; nodes: ChatMessageNode[]; turns: ChatMessage[]; ends: number[] } {
  const system: ChatMessage | null = conversation.overrides.systemPrompt ? { role: 'system', content: conversation.overrides.systemPrompt } : null;
  const nodes = pathTo(conversation, user.id).filter((m) => m.role === 'user' || m.content || m.toolRounds?.length);
  const turns: ChatMessage[] = [];
  const ends = nodes.map((node) => turns.push(...nodeMessages(node)));
  return { system, nodes, turns, ends };
}
