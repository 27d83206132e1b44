import { randomBytes } from 'node:crypto';
import type { GenerationOutcome } from '../../../shared/generation';
import type { ApiExchange } from './exchange';
import { SSE_HEADERS } from './generationResponse';
import type { OpenAiToolCall } from './toolCalls';
import type { ApiError } from './openaiErrors';
import type { ResponsesBody } from './responsesSchemas';

/** The Response object, its output items and its server-sent events, in OpenAI's Responses shape. */

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** An id as OpenAI's look (`resp_…`, `msg_…`, `fc_…`): a prefix and 48 hex digits. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

/** What stays the same across every state of one response. */
export interface ResponseHead {
  id: string;
  createdAt: number;
  model: string;
  body: ResponsesBody;
}

export function messageItem(id: string, text: string | undefined, status: ResponseStatus): Record<string, unknown> {
  return { type: 'message', id, status, role: 'assistant', content: text === undefined ? [] : [textPart(text)] };
}

export function textPart(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

export function functionCallItem(id: string, call: OpenAiToolCall, status: ResponseStatus, args = call.function.arguments): Record<string, unknown> {
  return { type: 'function_call', id, call_id: call.id, name: call.function.name, arguments: args, status };
}

/** OpenAI's usage of a response, with the prompt tokens whose KV cache was reused. */
export function usageOf(outcome: GenerationOutcome): Record<string, unknown> {
  const { promptTokens, completionTokens, cachedPromptTokens, totalTokens } = outcome.usage;
  return {
    input_tokens: promptTokens,
    input_tokens_details: { cached_tokens: cachedPromptTokens },
    output_tokens: completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: totalTokens,
  };
}

/**
 * The Response object in one state. The request's settings are echoed as OpenAI does (the official
 * clients read `text.format`, `tools`, `tool_choice` back), with OpenAI's defaults where none was sent.
 */
export function responseObject(
  head: ResponseHead,
  state: { status: ResponseStatus; output: unknown[]; usage?: Record<string, unknown>; error?: ApiError },
): Record<string, unknown> {
  const { body } = head;
  return {
    id: head.id,
    object: 'response',
    created_at: head.createdAt,
    status: state.status,
    background: false,
    error: state.error ? { code: state.error.code ?? 'server_error', message: state.error.message } : null,
    incomplete_details: state.status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : null,
    max_tool_calls: null,
    model: head.model,
    output: state.output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: typeof body.temperature === 'number' ? body.temperature : 1,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: toolChoiceEcho(body.tool_choice),
    tools: (body.tools ?? []).map((tool) => ({ ...tool, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? true })),
    top_p: typeof body.top_p === 'number' ? body.top_p : 1,
    truncation: 'disabled',
    usage: state.usage ?? null,
    user: null,
    metadata: typeof body.metadata === 'object' && body.metadata !== null ? body.metadata : {},
  };
}

function toolChoiceEcho(choice: ResponsesBody['tool_choice']): unknown {
  if (choice == null) return 'auto';
  return typeof choice === 'string' ? choice : { type: 'function', name: choice.name };
}

/**
 * Server-sent events in the Responses dialect: `event: <type>` and `data: <json>` with the same
 * `type` and a `sequence_number` counting from 0. No `[DONE]`: the last event says how it ended.
 */
export class ResponseEventStream {
  started = false;
  private sequence = 0;

  constructor(private readonly ex: ApiExchange) {}

  start(): void {
    this.started = true;
    this.ex.res.writeHead(200, SSE_HEADERS);
  }

  send(type: string, fields: Record<string, unknown>): void {
    if (this.ex.closed) return;
    const data = { type, ...fields, sequence_number: this.sequence++ };
    this.ex.res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** An error after the stream began: an `error` event, then `response.failed` with the error in it. */
  fail(error: ApiError, failed: Record<string, unknown>): void {
    this.ex.errorCode = error.hearthCode;
    this.send('error', { code: error.code, message: error.message, param: error.param });
    this.send('response.failed', { response: failed });
    this.end();
  }

  end(): void {
    if (!this.ex.closed) this.ex.res.end();
  }
}
