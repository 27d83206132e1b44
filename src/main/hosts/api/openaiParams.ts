import type { ChatMessage, ResponseFormat } from '../../../shared/dto';
import type { GenerationSampling } from '../../../shared/generation';
import { MAX_TOP_LOGPROBS } from '../../../shared/schemas';
import { badRequest } from './openaiErrors';
import { MAX_CHOICES } from './generationResponse';
import { readSampling } from './samplingFields';
import type { ChatCompletionBody, CompletionBody } from './openaiSchemas';

/**
 * From OpenAI's request fields to Hearth's: sampling parameters, the response format, the
 * messages. What Hearth cannot do is refused with a 400 naming the field — a client that asked for
 * two choices must not get one plain reply and think it got what it asked for.
 */

/** `max_tokens` of a text completion when the client sends none (OpenAI's default for `/v1/completions`). */
export const DEFAULT_COMPLETION_MAX_TOKENS = 16;

/** The sampling settings of a chat or text completion, as sent (the pipeline validates them). */
export function toSampling(body: ChatCompletionBody | CompletionBody, maxTokens: unknown): GenerationSampling {
  return readSampling({ ...body, max_tokens: maxTokens }, 'openai');
}

/**
 * Log probabilities asked for: on a chat, `logprobs: true` with `top_logprobs` alternatives; on a
 * text completion (the legacy form), `logprobs: k` alternatives (0 to {@link MAX_TOP_LOGPROBS}).
 */
export function logprobsOf(body: ChatCompletionBody | CompletionBody, kind: 'chat' | 'text'): { top: number } | undefined {
  const { logprobs } = body;
  const count = (value: unknown, field: string) => {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TOP_LOGPROBS) return { top: value };
    throw badRequest(`'${field}' must be a whole number from 0 to ${MAX_TOP_LOGPROBS}.`, field, 'invalid_value');
  };
  if (kind === 'text') return logprobs == null || logprobs === false ? undefined : count(logprobs, 'logprobs');
  const top = 'top_logprobs' in body ? body.top_logprobs : undefined;
  if (logprobs === true) return top == null ? { top: 0 } : count(top, 'top_logprobs');
  if (top != null) throw badRequest("'top_logprobs' needs 'logprobs': true.", 'top_logprobs', 'invalid_value');
  if (logprobs != null && logprobs !== false) throw badRequest("'logprobs' must be true or false.", 'logprobs', 'invalid_value');
  return undefined;
}

/** OpenAI's `n`: how many choices, 1 (the default) to {@link MAX_CHOICES}. */
export function choicesOf(body: ChatCompletionBody | CompletionBody): number {
  if (body.n == null) return 1;
  if (body.n < 1 || body.n > MAX_CHOICES) throw badRequest(`'n' must be from 1 to ${MAX_CHOICES} (got ${body.n}).`, 'n', 'invalid_value');
  return body.n;
}

export function toResponseFormat(format: ChatCompletionBody['response_format']): ResponseFormat | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  const schema = format.json_schema.schema;
  if (!schema) throw badRequest("'response_format.json_schema.schema' is required for a json_schema response format.", 'response_format.json_schema.schema');
  return { type: 'json_schema', schema };
}

/** Refuses OpenAI's legacy function calling (`functions`, `function_call`): clients use `tools` today. */
export function refuseLegacyFunctions(body: ChatCompletionBody): void {
  const asked = (value: unknown) => value != null && !(Array.isArray(value) && value.length === 0) && value !== 'none';
  for (const field of ['functions', 'function_call'] as const) {
    if (asked(body[field])) throw badRequest(`'${field}' (legacy function calling) is not supported; use 'tools' and 'tool_choice'.`, field, 'unsupported_parameter');
  }
}

/**
 * Chat messages as Hearth's: `developer` counts as `system`; text parts are joined; images are
 * refused. Tool turns stay tool turns (an assistant's `toolCalls`, a `tool` message's
 * `toolCallId`): the engine renders them in the model's own format.
 */
export function toChatMessages(messages: ChatCompletionBody['messages']): ChatMessage[] {
  return messages.map((message, i): ChatMessage => {
    const role = message.role === 'developer' ? 'system' : message.role;
    if (role === 'function' || message.function_call != null) {
      throw badRequest(`Legacy function calling is not supported: messages[${i}] uses it; use 'tools' and 'tool' messages.`, `messages[${i}].role`, 'unsupported_parameter');
    }
    if (role === 'tool') {
      const id = message.tool_call_id;
      if (!id) throw badRequest(`Missing required parameter: 'messages[${i}].tool_call_id'.`, `messages[${i}].tool_call_id`, 'missing_required_parameter');
      return { role: 'tool', toolCallId: id, content: contentText(message.content, i) };
    }
    if (role !== 'system' && role !== 'user' && role !== 'assistant') {
      throw badRequest(`messages[${i}].role must be system, developer, user, assistant or tool (got '${role.slice(0, 40)}').`, `messages[${i}].role`, 'invalid_value');
    }
    const text = contentText(message.content, i);
    if (message.tool_calls == null || message.tool_calls.length === 0) return { role, content: text };
    if (role !== 'assistant') throw badRequest(`Only assistant messages carry tool calls (messages[${i}] is '${role}').`, `messages[${i}].tool_calls`);
    return { role, content: text, toolCalls: message.tool_calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })) };
  });
}

function contentText(content: ChatCompletionBody['messages'][number]['content'], index: number): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, p) => {
      if (part.type !== 'text' || typeof part.text !== 'string') {
        throw badRequest(
          `Only text content parts are supported; messages[${index}].content[${p}] is '${part.type.slice(0, 40)}'.`,
          `messages[${index}].content[${p}].type`,
          'unsupported_parameter',
        );
      }
      return part.text;
    })
    .join('\n');
}

/** The one prompt of a text completion: a string, or an array holding one string. */
export function completionPrompt(body: CompletionBody): string | number[] {
  if (body.suffix) throw badRequest("'suffix' is not supported.", 'suffix', 'unsupported_parameter');
  if (body.best_of != null && body.best_of !== 1) throw badRequest("'best_of' must be 1.", 'best_of', 'unsupported_parameter');
  const prompt = body.prompt;
  if (typeof prompt === 'string') {
    if (prompt === '') throw badRequest("'prompt' is empty.", 'prompt');
    return prompt;
  }
  // One prompt: a string in an array, token ids, or token ids in an array.
  const one = prompt.length === 1 ? prompt[0] : prompt;
  if (typeof one === 'string' && one !== '') return one;
  if (isTokenIds(one)) {
    if (body.echo) throw badRequest("'echo' needs the prompt as text, not token ids.", 'echo', 'unsupported_parameter');
    return one;
  }
  throw badRequest("'prompt' must be one non-empty string or one array of token ids (several prompts are not supported; send one request per prompt).", 'prompt', 'unsupported_parameter');
}

/** A non-empty array of whole numbers: token ids (their range is checked against the model's vocabulary by the engine). */
export function isTokenIds(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= 0);
}
