import type { ChatMessage, ResponseFormat } from '../../../shared/dto';
import type { GenerationRequest } from '../../../shared/generation';
import { ApiError, badRequest } from './openaiErrors';
import { toChatMessages } from './openaiParams';
import type { ChatCompletionBody, ToolBody } from './openaiSchemas';
import type { InputItem, ResponsesBody } from './responsesSchemas';
import { readSampling } from './samplingFields';
import { toolFields } from './toolCalls';

/**
 * From a Responses request to the pipeline's terms. The input items become chat-completion
 * messages (the same conversion, tool turns included, as `/v1/chat/completions`), and the function
 * tools are translated to chat-completion tools so `toolCalls.ts` reads them exactly as there.
 */

/** A message in chat completions' request shape: what a kept conversation is stored as. */
export type ChatMessageBody = ChatCompletionBody['messages'][number];

export interface ResponsesPlan {
  request: GenerationRequest;
  /** The conversation so far, without `instructions` (which a follow-up does not inherit, as OpenAI's). */
  history: ChatMessageBody[];
}

/** Refuses what Hearth cannot honour, naming the field: a client must never get less than it asked for without knowing. */
export function refuseUnsupported(body: ResponsesBody): void {
  const no = (message: string, param: string) => badRequest(message, param, 'unsupported_parameter');
  if (body.background != null && body.background !== false) throw no("'background' responses are not supported: Hearth answers while the request is open (use 'stream' for long replies).", 'background');
  if (body.n != null && body.n !== 1) throw no("Hearth generates one output per request, so 'n' must be 1; send several requests instead.", 'n');
  if (Array.isArray(body.include) && body.include.length > 0) throw no(`'include' is not supported (asked for '${String(body.include[0]).slice(0, 80)}').`, 'include');
  if (body.top_logprobs != null && body.top_logprobs !== 0) throw no("'top_logprobs' is not supported yet.", 'top_logprobs');
  if (typeof body.reasoning === 'object' && body.reasoning !== null) {
    for (const key of ['effort', 'summary'] as const) {
      if ((body.reasoning as Record<string, unknown>)[key] != null) throw no(`'reasoning.${key}' is not supported: Hearth's models are run without a reasoning budget.`, `reasoning.${key}`);
    }
  }
  if (body.truncation === 'auto') throw no("'truncation: auto' is not supported: Hearth never drops input; an input longer than the context is refused.", 'truncation');
  if (body.conversation != null) throw no("'conversation' is not supported; use 'previous_response_id'.", 'conversation');
  if (body.prompt != null) throw no("'prompt' (stored prompt templates) is not supported; send 'instructions' and 'input'.", 'prompt');
}

/** Plans one request: `earlier` is the kept conversation of `previous_response_id`, if any. */
export function planResponse(body: ResponsesBody, earlier: ChatMessageBody[]): ResponsesPlan {
  const history = [...earlier, ...inputMessages(body.input)];
  const converted: ChatMessage[] = body.instructions ? [{ role: 'system', content: body.instructions }, ...toChatMessages(history)] : toChatMessages(history);
  if (converted.length === 0) throw badRequest("'input' is empty: send a string or at least one message.", 'input');
  const responseFormat = toResponseFormat(body);
  const tools = renamed(() =>
    toolFields({ tools: toolBodies(body), tool_choice: toolChoice(body), parallel_tool_calls: body.parallel_tool_calls ?? null, response_format: responseFormat ?? null }),
  );
  const sampling = readSampling({ ...body, max_tokens: body.max_output_tokens }, 'openai');
  const request: GenerationRequest = { ...(body.model ? { model: body.model } : {}), messages: converted, sampling, ...(responseFormat ? { responseFormat } : {}), ...tools };
  return { request, history };
}

/** `input` as chat messages: a string is one user message; consecutive function calls join one assistant turn. */
function inputMessages(input: ResponsesBody['input']): ChatMessageBody[] {
  if (typeof input === 'string') {
    if (input === '') throw badRequest("'input' is empty.", 'input');
    return [{ role: 'user', content: input }];
  }
  const messages: ChatMessageBody[] = [];
  input.forEach((item, i) => {
    const type = item.type ?? 'message';
    if (type === 'message') return messages.push(messageOf(item, i));
    if (type === 'function_call') {
      const call = { id: required(item.call_id, `input[${i}].call_id`), type: 'function' as const, function: { name: required(item.name, `input[${i}].name`), arguments: item.arguments ?? '{}' } };
      const last = messages.at(-1);
      if (last?.role === 'assistant' && last.tool_calls) last.tool_calls.push(call);
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      return;
    }
    if (type === 'function_call_output') {
      const output = typeof item.output === 'string' ? item.output : partsText(item.output ?? [], `input[${i}].output`);
      return messages.push({ role: 'tool', tool_call_id: required(item.call_id, `input[${i}].call_id`), content: output });
    }
    throw badRequest(
      `Input items of type '${type.slice(0, 60)}' are not supported; send messages, function_call and function_call_output items.`,
      `input[${i}].type`,
      'unsupported_parameter',
    );
  });
  return messages;
}

function messageOf(item: InputItem, i: number): ChatMessageBody {
  const role = item.role;
  if (role !== 'user' && role !== 'assistant' && role !== 'system' && role !== 'developer') {
    throw badRequest(`input[${i}].role must be user, assistant, system or developer (got '${String(role).slice(0, 40)}').`, `input[${i}].role`, 'invalid_value');
  }
  const content = item.content;
  if (content === undefined) throw badRequest(`Missing required parameter: 'input[${i}].content'.`, `input[${i}].content`, 'missing_required_parameter');
  return { role, content: typeof content === 'string' ? content : partsText(content, `input[${i}].content`) };
}

/** Text parts joined; anything else (images, files, audio) refused by its path. */
function partsText(parts: NonNullable<InputItem['content']>, path: string): string {
  if (typeof parts === 'string') return parts;
  return parts
    .map((part, p) => {
      if ((part.type !== 'input_text' && part.type !== 'output_text') || typeof part.text !== 'string') {
        throw badRequest(`Only text content is supported; ${path}[${p}] is '${part.type.slice(0, 40)}'.`, `${path}[${p}].type`, 'unsupported_parameter');
      }
      return part.text;
    })
    .join('\n');
}

function required(value: string | undefined, param: string): string {
  if (value === undefined || value === '') throw badRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
  return value;
}

/** Function tools in chat completions' shape; built-in tools are refused: Hearth runs no tool itself. */
function toolBodies(body: ResponsesBody): ToolBody[] {
  return (body.tools ?? []).map((tool, i) => {
    if (tool.type !== 'function') {
      throw badRequest(`Built-in tools such as '${tool.type.slice(0, 60)}' are not supported: Hearth offers function tools only, and never runs a tool itself.`, `tools[${i}].type`, 'unsupported_parameter');
    }
    const name = required(tool.name, `tools[${i}].name`);
    return { type: 'function', function: { name, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? null } };
  });
}

function toolChoice(body: ResponsesBody): ChatCompletionBody['tool_choice'] {
  const choice = body.tool_choice;
  if (choice == null || typeof choice === 'string') return choice;
  if (choice.type !== 'function' || !choice.name) {
    throw badRequest(`'tool_choice' of type '${choice.type.slice(0, 60)}' is not supported; use none, auto, required or {type: "function", name}.`, 'tool_choice', 'unsupported_parameter');
  }
  return { type: 'function', function: { name: choice.name } };
}

function toResponseFormat(body: ResponsesBody): ResponseFormat | undefined {
  const format = body.text?.format;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  return { type: 'json_schema', schema: format.schema };
}

/** Chat completions' field names in an error from shared code, as this endpoint's client sent them. */
const RENAMES: Array<[RegExp, string]> = [
  [/^response_format/, 'text.format'],
  [/^tools\[(\d+)\]\.function\./, 'tools[$1].'],
  [/^max_tokens/, 'max_output_tokens'],
  [/^messages(\[\d+\])?.*$/, 'input'],
];

/** An error as the Responses API names its fields (`text.format`, not `response_format`). */
export function renameParams(error: ApiError): ApiError {
  if (error.param === null) return error;
  let param = error.param;
  for (const [pattern, replacement] of RENAMES) param = param.replace(pattern, replacement);
  if (param === error.param) return error;
  const message = error.message.split(error.param).join(param);
  return new ApiError(error.status, error.type, message, param, error.code, error.retryAfterMs, error.hearthCode);
}

function renamed<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw error instanceof ApiError ? renameParams(error) : error;
  }
}
