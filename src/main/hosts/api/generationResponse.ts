import { randomUUID } from 'node:crypto';
import type { ChatResult } from '../../../shared/dto';
import type { GenerationOutcome, GenerationRequest } from '../../../shared/generation';
import type { ApiContext } from './apiContext';
import type { ApiExchange } from './exchange';
import { ApiError, toApiError } from './openaiErrors';

/** How one endpoint dresses a reply: ids, object names, and the `choices` entries. */
export interface ResponseShape {
  idPrefix: string;
  /** `object` of the whole answer, e.g. `chat.completion`. */
  object: string;
  /** `object` of each streamed chunk, e.g. `chat.completion.chunk`. */
  chunkObject: string;
  /** The first streamed choice (the chat's `role` chunk), if the endpoint has one; `toolCall`: a tool call is expected. */
  opening?: (toolCall: boolean) => Record<string, unknown>;
  delta(text: string): Record<string, unknown>;
  finish(reason: FinishReason): Record<string, unknown>;
  whole(text: string, reason: FinishReason): Record<string, unknown>;
  /** The whole answer's choice for a tool call (endpoints that read tool calls only). */
  toolCallWhole?(call: ToolCall): Record<string, unknown>;
  /** The streamed choices that carry a tool call, before the finish chunk. */
  toolCallDeltas?(call: ToolCall): Record<string, unknown>[];
}

export type FinishReason = 'stop' | 'length' | 'tool_calls';

/** A function call the model asked for, in OpenAI's shape (`arguments` is a JSON string). */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/**
 * How a reply that may be a tool call is read. Streamed text is held back while `holding` says the
 * reply so far may still become a call (always, for a forced call); once it cannot, the held text
 * and the rest stream as content. A reply held to its end is given to `toolCall`.
 */
export interface ReplyReading {
  /** The reply is grammar-constrained to a call. */
  forced: boolean;
  holding(textSoFar: string): boolean;
  toolCall(result: ChatResult): ToolCall | undefined;
}

export interface GenerationSpec {
  /** The request in the pipeline's terms (validated there). */
  request: GenerationRequest;
  stream: boolean;
  /** `stream_options.include_usage`: a last chunk with usage and no choices. */
  includeUsage: boolean;
  /** The request field a context overflow is about (`messages`, `prompt`). */
  inputParam: string;
  shape: ResponseShape;
  /** Set when the request offers tools: the reply may be answered as a tool call. */
  reading?: ReplyReading;
}

/** OpenAI's usage object, with the prompt tokens whose KV cache was reused. */
export function usageOf(outcome: GenerationOutcome): Record<string, unknown> {
  const { promptTokens, completionTokens, cachedPromptTokens, totalTokens } = outcome.usage;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: totalTokens,
    prompt_tokens_details: { cached_tokens: cachedPromptTokens },
  };
}

/** The error answered when a reply was stopped in Hearth (not by this client, which is still here). */
export function replyStopped(): ApiError {
  return new ApiError(503, 'server_error', 'The reply was stopped before it finished (the model was unloaded, or the reply was stopped in Hearth).', null, 'reply_stopped', 1_000, 'ABORTED');
}

/**
 * Answers a chat or text completion through the generation pipeline (which validates the
 * request, holds the model — loading it on demand — and runs it with the request's abort signal,
 * so a client that disconnects stops it at once), and answers as one JSON object or as server-sent events. The event stream starts only with the
 * first prompt progress or text, so an error found before that (a prompt too long for the
 * context, a full queue) is still a proper HTTP error; after that, it is an `error` event.
 */
export async function answerGeneration(ex: ApiExchange, ctx: ApiContext, spec: GenerationSpec): Promise<void> {
  const { shape } = spec;
  const id = `${shape.idPrefix}-${randomUUID().replaceAll('-', '')}`;
  const created = Math.floor(Date.now() / 1000);
  let model = spec.request.model ?? '';
  const sse = spec.stream ? new EventStream(ex) : undefined;
  const frame = (choices: unknown[]) => ({ id, object: shape.chunkObject, created, model, choices, ...(spec.includeUsage ? { usage: null } : {}) });
  const open = () => {
    if (!sse || sse.started) return;
    sse.start();
    if (shape.opening) sse.send(frame([shape.opening(spec.reading?.forced === true)]));
  };
  // Text held back while it may still turn out to be a tool call; undefined once it streams as content.
  let held: string | undefined = spec.reading ? '' : undefined;
  let outcome: GenerationOutcome;
  try {
    // Streamed as OpenAI and llama-server do: one chunk per token (a UI batches; an API client's parser wants each).
    const chunking = spec.stream ? { chunking: 'token' as const } : {};
    outcome = await ctx.core.generation.run({ requestId: `api-${randomUUID()}`, ...spec.request, ...chunking }, ctx.models, {
      signal: ex.signal,
      emit: (event) => {
        if (event.type === 'model') model = event.modelId;
        if (event.type === 'model' || event.type === 'queued') return;
        open();
        if (event.type !== 'tokens' || event.text === '') return;
        if (held === undefined) return sse?.send(frame([shape.delta(event.text)]));
        held += event.text;
        if (spec.reading?.holding(held)) return;
        sse?.send(frame([shape.delta(held)]));
        held = undefined;
      },
    });
  } catch (error) {
    const apiError = toApiError(error, ctx.logger, 'a reply', { input: spec.inputParam, dialect: 'openai' });
    if (!sse?.started) throw apiError;
    return sse.fail(apiError);
  }
  ex.promptTokens = outcome.usage.promptTokens;
  ex.completionTokens = outcome.usage.completionTokens;
  if (ex.closed) return;
  if (outcome.finishReason === 'aborted') {
    // Not this client (it is still here): the model was unloaded or the reply stopped in Hearth.
    if (sse?.started) return sse.fail(replyStopped());
    throw replyStopped();
  }
  const call = held !== undefined ? spec.reading?.toolCall(outcome) : undefined;
  const reason: FinishReason = call ? 'tool_calls' : outcome.finishReason;
  const usage = usageOf(outcome);
  if (!sse) {
    const choice = call && shape.toolCallWhole ? shape.toolCallWhole(call) : shape.whole(outcome.text, reason);
    ex.sendJson(200, { id, object: shape.object, created, model, choices: [choice], usage });
    return;
  }
  open();
  // A reply held to its end: a tool call (name, then its arguments in one fragment), or the text as one delta.
  if (call) for (const choice of shape.toolCallDeltas?.(call) ?? []) sse.send(frame([choice]));
  else if (held !== undefined && outcome.text !== '') sse.send(frame([shape.delta(outcome.text)]));
  // Without include_usage the finish chunk carries the usage too (as llama.cpp's server does): every answer counts its tokens.
  sse.send({ ...frame([shape.finish(reason)]), ...(spec.includeUsage ? {} : { usage }) });
  if (spec.includeUsage) sse.send({ ...frame([]), usage });
  sse.done();
}

/** Server-sent events in OpenAI's dialect: `data: <json>` frames, `data: [DONE]` at the end. */
class EventStream {
  started = false;

  constructor(private readonly ex: ApiExchange) {}

  start(): void {
    this.started = true;
    this.ex.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      // Proxies (nginx) must pass each event on at once.
      'X-Accel-Buffering': 'no',
    });
  }

  send(data: unknown): void {
    if (this.ex.closed) return;
    this.ex.res.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  /** An error after the stream began: OpenAI clients raise it from the `error` field of a data frame. */
  fail(error: ApiError): void {
    this.ex.errorCode = error.hearthCode;
    this.send(error.body());
    this.ex.res.end();
  }

  done(): void {
    if (!this.ex.closed) this.ex.res.end('data: [DONE]\n\n');
  }
}
