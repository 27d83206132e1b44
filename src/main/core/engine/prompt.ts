import type { ChatHistoryItem, ChatWrapper, LlamaModel, Token } from 'node-llama-cpp';
import type { ChatMessage } from '../../../shared/dto';
import { AppError } from '../../../shared/errors';
import type { GenerateRequest } from './protocol';
import { tokenizeWithReplies, type ReplyTokens } from './replyTokens';
import { toolFormatOf, type ToolFormat } from './toolFormat';
import { availableFunctions, describeTools, forcedPrefill, toolChatHistory, withSystemText } from './toolPrompt';

/** A request's prompt as tokens, and the single tokens that end a reply to it. */
export interface RenderedPrompt {
  tokens: Token[];
  /** The chat template's end-of-turn markers (empty for a raw prompt: only end-of-generation tokens end it). */
  stopTokens: Set<Token>;
  /** With tools: the format calls are written in (the prompt then ends with a required call's opening, see toolPrompt.ts). */
  toolFormat?: ToolFormat;
}

/**
 * Renders a chat with the model's chat template, or tokenizes a raw completion prompt the way
 * llama.cpp's server does (special tokens in the text are recognised, so a hand-written template
 * works; the model's BOS goes in front when its tokenizer asks for one).
 *
 * `known`: the token spelling of recent replies; an assistant message that is one of them is
 * tokenized as the model generated it, so the KV cache that holds it still matches (see replyTokens.ts).
 */
export function renderPrompt(request: GenerateRequest, model: LlamaModel, chatWrapper: ChatWrapper, known?: ReplyTokens): RenderedPrompt {
  if (Array.isArray(request.prompt)) return { tokens: checkedTokens(request.prompt, model, 'prompt'), stopTokens: new Set() };
  if (request.prompt !== undefined) {
    const tokens = model.tokenize(request.prompt, true);
    const bos = model.tokens.bos;
    if (model.tokens.shouldPrependBosToken && bos !== null && tokens[0] !== bos) tokens.unshift(bos);
    return { tokens, stopTokens: new Set() };
  }
  const usesTools = request.tools !== undefined || request.messages.some((message) => message.role === 'tool' || message.toolCalls);
  const format = usesTools ? toolFormatOf(chatWrapper) : undefined;
  let history = format ? toolChatHistory(request.messages, format) : toChatHistory(request.messages);
  if (format && request.tools && !format.native) history = withSystemText(history, describeTools(request.tools));
  // An empty model turn at the end makes the wrapper render the assistant prefix to generate into.
  history.push({ type: 'model', response: [] });
  const documented = format?.native && request.tools ? { availableFunctions: availableFunctions(request.tools.tools), documentFunctionParams: true } : {};
  const state = chatWrapper.generateContextState({ chatHistory: history, ...documented });
  const stopTokens = new Set<Token>();
  for (const trigger of state.stopGenerationTriggers) {
    const tokens = trigger.tokenize(model.tokenizer, 'trimLeadingSpace');
    if (tokens.length === 1) stopTokens.add(tokens[0]!);
  }
  const replies = request.messages.flatMap((message) => (message.role === 'assistant' ? [message.content] : []));
  const tokens = tokenizeWithReplies(state.contextText, model.tokenizer, replies, known);
  const prefill = format && request.tools ? forcedPrefill(format, request.tools) : undefined;
  if (prefill) tokens.push(...prefill.tokenize(model.tokenizer, 'trimLeadingSpace'));
  return { tokens, stopTokens, ...(format && request.tools ? { toolFormat: format } : {}) };
}

/**
 * Refuses a prompt the context cannot hold with room for at least one generated token. Never
 * truncated: dropping the start of a conversation silently changes what the model answers.
 */
export function ensurePromptFits(request: GenerateRequest, promptTokens: number, contextSize: number): void {
  if (promptTokens < contextSize) return;
  const what = request.prompt !== undefined ? 'The prompt' : 'The conversation';
  const fix = request.prompt !== undefined ? 'Shorten the prompt' : 'Start a new chat';
  throw new AppError(
    'CONTEXT_OVERFLOW',
    `${what} is ${promptTokens} tokens but the context holds ${contextSize} (at least 1 more is needed for the reply). ` +
      `${fix} or load the model with a larger context.`,
  );
}

function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  return messages.map((message) => {
    if (message.role === 'system') return { type: 'system', text: message.content };
    if (message.role === 'user') return { type: 'user', text: message.content };
    return { type: 'model', response: [message.content] };
  });
}

/**
 * Token ids a caller gave instead of text, checked against the model's vocabulary: llama.cpp aborts
 * the whole process on a token it does not have, so one is never passed on.
 */
export function checkedTokens(ids: readonly number[], model: LlamaModel, what: string): Token[] {
  const size = vocabularySize(model);
  if (size === 0) throw new AppError('BAD_REQUEST', `This model does not say how large its vocabulary is, so token ids cannot be checked: send the ${what} as text.`);
  const wrong = ids.findIndex((id) => id >= size);
  if (wrong !== -1) throw new AppError('BAD_REQUEST', `Token ${ids[wrong]} (at ${wrong} of the ${what}) is not in this model's vocabulary of ${size} tokens.`);
  return ids as Token[];
}

/** The model's vocabulary size from its GGUF metadata (0 when it does not say). */
function vocabularySize(model: LlamaModel): number {
  const architecture = model.fileInfo.architectureMetadata as { vocab_size?: number };
  return architecture.vocab_size ?? model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0;
}
