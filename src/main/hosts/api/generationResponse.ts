import { createHash, randomUUID } from 'node:crypto';
import type { ChatChunk, TokenLogprob } from '../../../shared/dto';
import type { GenerationOutcome, GenerationRequest } from '../../../shared/generation';
import type { GenerationStreamCaller } from '../../core/generation/generationPipeline';
import type { ApiContext } from './apiContext';
import type { ApiExchange } from './exchange';
import { ApiError, toApiError } from './openaiErrors';
import { callRequired, openAiToolCalls, type OpenAiToolCall } from './toolCalls';

/** How one endpoint dresses a reply: ids, object names, and the `choices` entries. */
export interface ResponseShape {
  idPrefix: string;
  /** `object` of the whole answer, e.g. `chat.completion`. */
  object: string;
  /** `object` of each streamed chunk, e.g. `chat.completion.chunk`. */
  chunkObject: string;
  /** The first streamed choice (the chat's `role` chunk), if the endpoint has one; `toolCall`: a tool call is required. */
  opening?: (toolCall: boolean) => Record<string, unknown>;
  delta(text: string): Record<string, unknown>;
  /** A streamed piece of a tool call (endpoints with tools only). */
  toolCallDelta?(event: Extract<ChatChunk, { type: 'toolCall' }>): Record<string, unknown>;
  finish(reason: FinishReason): Record<string, unknown>;
  /** The whole answer's choice: its text, why it ended, and the tools it called (if any). */
  whole(text: string, reason: FinishReason, toolCalls?: OpenAiToolCall[]): Record<string, unknown>;
  /** The `logprobs` field of a choice for these tokens; `textOffset`: characters of the choice before them. */
  logprobs(entries: TokenLogprob[], textOffset: number): Record<string, unknown>;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls';

/** OpenAI's `finish_reason` of a finished (not aborted) generation. */
export function finishReasonOf(outcome: GenerationOutcome): FinishReason {
  return outcome.finishReason === 'toolCalls' ? 'tool_calls' : outcome.finishReason === 'length' ? 'length' : 'stop';
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
  /** Choices to generate (OpenAI's `n`, 1 to {@link MAX_CHOICES}); default 1. */
  n?: number;
  /** Text each choice starts with before what was generated (a completion's `echo`: the prompt). */
  echo?: string;
  /** Runs a choice; default one generation through the pipeline (the MCP tool loop runs several: `mcpLoop.ts`). */
  run?: GenerationRunner;
  /** Fields added at the top level of the answer (in a stream: of each finish chunk), e.g. Hearth's `hearth` extension. */
  extra?: () => Record<string, unknown>;
}

/** Runs one choice's generation (or several, as one reply), streaming its events to `caller`. */
export type GenerationRunner = (request: GenerationRequest, caller: GenerationStreamCaller) => Promise<GenerationOutcome>;

/** OpenAI's usage object of one request's choices: the prompt counted once, the completions summed; with the prompt tokens whose KV cache was reused. */
export function usageOf(outcomes: GenerationOutcome[]): Record<string, unknown> {
  const { promptTokens, cachedPromptTokens } = outcomes[0]!.usage;
  const completionTokens = outcomes.reduce((sum, outcome) => sum + outcome.usage.completionTokens, 0);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedPromptTokens },
  };
}

/**
 * OpenAI's `system_fingerprint`: names the backend configuration a reply came from, so a client
 * comparing seeded replies knows when it changed. Here: Hearth's version and the model with the
 * settings it is loaded with (another context size or KV cache type gives another fingerprint).
 */
export function systemFingerprint(ctx: ApiContext, modelId: string): string {
  const settings = ctx.core.fleet.resident(modelId)?.settings;
  const hash = createHash('sha256').update(JSON.stringify([ctx.core.info.version, modelId, settings ?? null])).digest('hex');
  return `fp_${hash.slice(0, 10)}`;
}

/** The error answered when a reply was stopped in Hearth (not by this client, which is still here). */
export function replyStopped(): ApiError {
  return new ApiError(503, 'server_error', 'The reply was stopped before it finished (the model was unloaded, or the reply was stopped in Hearth).', null, 'reply_stopped', 1_000, 'ABORTED');
}

/** Most choices one request may ask for (`n`): each is one more generation, run side by side as parallel sequences. */
export const MAX_CHOICES = 8;


/**
 * Answers a chat or text completion through the generation pipeline (which validates the
 * request, holds the model — loading it on demand — and runs it with the request's abort signal,
 * so a client that disconnects stops it at once), as one JSON object or as server-sent events.
 * `n` choices are `n` generations of the same request at once (a fixed seed becomes seed + index,
 * so they differ as OpenAI's do); each streams with its own `index`. The event stream starts only
 * with the first prompt progress or text, so an error found before that (a prompt too long for
 * the context, a full queue) is still a proper HTTP error; after that, it is an `error` event.
 */
export async function answerGeneration(ex: ApiExchange, ctx: ApiContext, spec: GenerationSpec): Promise<void> {
  const { shape } = spec;
  const n = spec.n ?? 1;
  const id = `${shape.idPrefix}-${randomUUID().replaceAll('-', '')}`;
  const created = Math.floor(Date.now() / 1000);
  let model = spec.request.model ?? '';
  const sse = spec.stream ? new EventStream(ex) : undefined;
  // Hashed once per model per request, not once per streamed chunk.
  let fingerprinted: { model: string; system_fingerprint: string } | undefined;
  const fingerprint = () => {
    if (fingerprinted?.model !== model) fingerprinted = { model, system_fingerprint: systemFingerprint(ctx, model) };
    return { system_fingerprint: fingerprinted.system_fingerprint };
  };
  const frame = (choices: unknown[]) => ({ id, object: shape.chunkObject, created, model, ...fingerprint(), choices, ...(spec.includeUsage ? { usage: null } : {}) });
  const at = (index: number, choice: Record<string, unknown>) => ({ ...choice, index });
  const open = () => {
    if (!sse || sse.started) return;
    sse.start();
    for (let i = 0; i < n; i++) {
      if (shape.opening) sse.send(frame([at(i, shape.opening(callRequired(spec.request)))]));
      if (spec.echo) sse.send(frame([at(i, shape.delta(spec.echo))]));
    }
  };
  // One failed choice ends the others: the answer is all of them or an error.
  const group = new AbortController();
  const signal = AbortSignal.any([ex.signal, group.signal]);
  const runChoice = async (index: number): Promise<GenerationOutcome> => {
    // Characters of this choice streamed so far (with the echoed prompt): where the next tokens' text starts.
    let offset = spec.echo?.length ?? 0;
    const seed = spec.request.sampling?.seed;
    const sampling = seed !== undefined && index > 0 ? { ...spec.request.sampling, seed: seed + index } : spec.request.sampling;
    // Streamed as OpenAI and llama-server do: one chunk per token (a UI batches; an API client's parser wants each).
    const chunking = spec.stream ? { chunking: 'token' as const } : {};
    const request = { requestId: `api-${randomUUID()}`, ...spec.request, ...(sampling ? { sampling } : {}), ...chunking };
    const run: GenerationRunner = spec.run ?? ((req, caller) => ctx.core.generation.run(req, ctx.models, caller));
    const outcome = await run(request, {
      signal,
      emit: (event) => {
        if (event.type === 'model') model = event.modelId;
        if (event.type === 'model' || event.type === 'queued') return;
        open();
        if (event.type === 'toolCall' && shape.toolCallDelta) return sse?.send(frame([at(index, shape.toolCallDelta(event))]));
        if (event.type !== 'tokens' || event.text === '') return;
        const logprobs = event.logprobs ? { logprobs: shape.logprobs(event.logprobs, offset) } : {};
        offset += event.text.length;
        sse?.send(frame([at(index, { ...shape.delta(event.text), ...logprobs })]));
      },
    });
    if (sse && !ex.closed && outcome.finishReason !== 'aborted') {
      open();
      // With several choices the usage comes once, at the end; with one, on its finish chunk too (as llama.cpp's server does).
      const usage = n === 1 && !spec.includeUsage ? { usage: usageOf([outcome]) } : {};
      sse.send({ ...frame([at(index, shape.finish(finishReasonOf(outcome)))]), ...usage, ...spec.extra?.() });
    }
    return outcome;
  };
  let outcomes: GenerationOutcome[];
  try {
    outcomes = await Promise.all(
      Array.from({ length: n }, (_, index) =>
        runChoice(index).catch((error: unknown) => {
          group.abort();
          throw error;
        }),
      ),
    );
  } catch (error) {
    const apiError = toApiError(error, ctx.logger, 'a reply', { input: spec.inputParam, dialect: 'openai' });
    if (!sse?.started) throw apiError;
    return sse.fail(apiError);
  }
  const usage = usageOf(outcomes);
  ex.promptTokens = outcomes[0]!.usage.promptTokens;
  ex.completionTokens = outcomes.reduce((sum, o) => sum + o.usage.completionTokens, 0);
  if (ex.closed) return;
  if (outcomes.some((o) => o.finishReason === 'aborted')) {
    // Not this client (it is still here): the model was unloaded or the reply stopped in Hearth.
    if (sse?.started) return sse.fail(replyStopped());
    throw replyStopped();
  }
  if (!sse) {
    const choices = outcomes.map((outcome, index) =>
      at(index, {
        ...shape.whole(`${spec.echo ?? ''}${outcome.text}`, finishReasonOf(outcome), openAiToolCalls(outcome.toolCalls)),
        ...(outcome.logprobs ? { logprobs: shape.logprobs(outcome.logprobs, spec.echo?.length ?? 0) } : {}),
      }),
    );
    ex.sendJson(200, { id, object: shape.object, created, model, ...fingerprint(), choices, usage, ...spec.extra?.() });
    return;
  }
  open();
  if (spec.includeUsage || n > 1) sse.send({ ...frame([]), usage });
  sse.done();
}

/** Response headers of a server-sent event stream. */
export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  Connection: 'keep-alive',
  // Proxies (nginx) must pass each event on at once.
  'X-Accel-Buffering': 'no',
} as const;

/** Server-sent events in OpenAI's dialect: `data: <json>` frames, `data: [DONE]` at the end. */
class EventStream {
  started = false;

  constructor(private readonly ex: ApiExchange) {}

  start(): void {
    this.started = true;
    this.ex.res.writeHead(200, SSE_HEADERS);
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
