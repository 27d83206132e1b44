import type { ChatMessage, ResponseFormat } from '../../../shared/dto';
import type { GenerationSampling } from '../../../shared/generation';
import { badRequest } from './openaiErrors';
import { readSampling } from './samplingFields';
import type { ChatCompletionBody, CompletionBody } from './openaiSchemas';

/**
 * From OpenAI's request fields to Hearth's: sampling parameters, the response format, the
 * messages. What Hearth cannot do is refused with a 400 naming the field — a client that asked for
 * two choices must not get one plain reply and think it got what it asked for.
 */

/** `max_tokens` of a text completion when the client sends none (OpenAI's default for `/v1/completions`). */
export const DEFAULT_COMPLETION_MAX_TOKENS = 16;

/**
 * The sampling settings of a chat or text completion, as sent (the pipeline validates them). `n`
 * and `logprobs` are OpenAI fields Hearth cannot honour: refused here, never dropped.
 */
export function toSampling(body: ChatCompletionBody | CompletionBody, maxTokens: unknown): GenerationSampling {
  if (body.n != null && body.n !== 1) {
    throw badRequest(`Hearth generates one choice per request, so 'n' must be 1 (got ${body.n}); send ${body.n} requests instead.`, 'n', 'unsupported_parameter');
  }
  if (body.logprobs != null && body.logprobs !== false) throw badRequest("'logprobs' is not supported yet.", 'logprobs', 'unsupported_parameter');
  return readSampling({ ...body, max_tokens: maxTokens }, 'openai');
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
 * refused. The chat templates Hearth renders know no tools, so tool turns become text the model
 * can read: an assistant's calls as one JSON line each (`{"name": …, "arguments": …}`, the shape
 * it is asked to answer with), a `tool` message as a user turn "Result of <name> (<id>): …".
 */
export function toChatMessages(messages: ChatCompletionBody['messages']): ChatMessage[] {
  const callNames = new Map<string, string>();
  return messages.map((message, i) => {
    const role = message.role === 'developer' ? 'system' : message.role;
    if (role === 'function' || message.function_call != null) {
      throw badRequest(`Legacy function calling is not supported: messages[${i}] uses it; use 'tools' and 'tool' messages.`, `messages[${i}].role`, 'unsupported_parameter');
    }
    if (role === 'tool') {
      const id = message.tool_call_id;
      if (!id) throw badRequest(`Missing required parameter: 'messages[${i}].tool_call_id'.`, `messages[${i}].tool_call_id`, 'missing_required_parameter');
      const name = callNames.get(id);
      return { role: 'user', content: `Result of ${name ?? 'tool call'} (${id}): ${contentText(message.content, i)}` };
    }
    if (role !== 'system' && role !== 'user' && role !== 'assistant') {
      throw badRequest(`messages[${i}].role must be system, developer, user, assistant or tool (got '${role.slice(0, 40)}').`, `messages[${i}].role`, 'invalid_value');
    }
    const text = contentText(message.content, i);
    if (message.tool_calls == null || message.tool_calls.length === 0) return { role, content: text };
    if (role !== 'assistant') throw badRequest(`Only assistant messages carry tool calls (messages[${i}] is '${role}').`, `messages[${i}].tool_calls`);
    const lines = message.tool_calls.map((call) => {
      callNames.set(call.id, call.function.name);
      return JSON.stringify({ name: call.function.name, arguments: parsedOrText(call.function.arguments) });
    });
    return { role, content: [text, ...lines].filter((line) => line !== '').join('\n') };
  });
}

/** A call's `arguments` (a JSON string) as its value, or the text itself when it is not JSON. */
function parsedOrText(args: string): unknown {
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
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
export function completionPrompt(body: CompletionBody): string {
  if (body.suffix) throw badRequest("'suffix' is not supported.", 'suffix', 'unsupported_parameter');
  if (body.echo) throw badRequest("'echo' is not supported.", 'echo', 'unsupported_parameter');
  if (body.best_of != null && body.best_of !== 1) throw badRequest("'best_of' must be 1.", 'best_of', 'unsupported_parameter');
  const prompt = body.prompt;
  if (typeof prompt === 'string') {
    if (prompt === '') throw badRequest("'prompt' is empty.", 'prompt');
    return prompt;
  }
  if (prompt.length === 1 && typeof prompt[0] === 'string' && prompt[0] !== '') return prompt[0];
  throw badRequest("'prompt' must be one non-empty string (arrays of several prompts and token arrays are not supported; send one request per prompt).", 'prompt', 'unsupported_parameter');
}
