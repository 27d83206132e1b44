import { randomUUID } from 'node:crypto';
import type { ToolCall } from '../../../shared/dto';
import type { GenerationOutcome, GenerationRequest } from '../../../shared/generation';
import type { ApiContext } from './apiContext';
import type { ApiExchange } from './exchange';
import { replyStopped } from './generationResponse';
import { ApiError, badRequest, toApiError } from './openaiErrors';
import { ollamaResidency, type OllamaResidency } from './ollamaKeepAlive';
import { ollamaChatBodySchema, ollamaGenerateBodySchema, refuseUnsupported, toOllamaFormat, toOllamaMessages, toOllamaSampling, toOllamaTools } from './ollamaParams';
import { parseBody } from './openaiSchemas';

/** Milliseconds to Ollama's durations, which are nanoseconds. */
const ns = (ms: number): number => Math.max(0, Math.round(ms * 1e6));

interface OllamaGeneration {
  model: string;
  stream: boolean;
  inputParam: string;
  /** One streamed or whole answer carrying `text` (a `message` for chat, a `response` for generate), and the tools called (chat only). */
  piece(text: string, calls?: ToolCall[]): Record<string, unknown>;
  /** The request in the pipeline's terms; undefined = nothing to generate (an empty prompt only loads the model). */
  request: GenerationRequest | undefined;
  /** `keep_alive` and `num_ctx`: the models on demand to use, and the unload to wait for. */
  residency: OllamaResidency;
}

/** `POST /api/chat`: the messages through the model's chat template; NDJSON stream unless `stream: false`. */
export async function ollamaChat(ex: ApiExchange, ctx: ApiContext, body: Record<string, unknown>): Promise<void> {
  const request = parseBody(ollamaChatBodySchema, body);
  ex.model = request.model;
  refuseUnsupported(request, true);
  const messages = toOllamaMessages(request.messages ?? []);
  const tools = toOllamaTools(request.tools);
  const sampling = toOllamaSampling(request.options);
  const responseFormat = toOllamaFormat(request.format);
  await answerOllama(ex, ctx, {
    model: request.model,
    stream: request.stream !== false,
    inputParam: 'messages',
    piece: (text, calls) => ({ message: { role: 'assistant', content: text, ...(calls && calls.length > 0 ? { tool_calls: calls.map(ollamaToolCall) } : {}) } }),
    residency: ollamaResidency(ctx, request),
    // As Ollama: no messages loads the model and answers at once.
    request: messages.length === 0 ? undefined : { model: request.model, messages, sampling, ...(responseFormat ? { responseFormat } : {}), ...(tools ? { tools } : {}) },
  });
}

/**
 * `POST /api/generate`: the prompt (and `system`) through the chat template, or as it is with
 * `raw: true`; an empty prompt only loads the model (Ollama's `done_reason: "load"`).
 */
export async function ollamaGenerate(ex: ApiExchange, ctx: ApiContext, body: Record<string, unknown>): Promise<void> {
  const request = parseBody(ollamaGenerateBodySchema, body);
  ex.model = request.model;
  refuseUnsupported(request);
  if (request.suffix) throw badRequest('suffix (fill-in-the-middle) is not supported.', 'suffix');
  if (request.template) throw badRequest("template is not supported: Hearth uses the model's own chat template (or none with raw: true).", 'template');
  if (request.context && request.context.length > 0) throw badRequest('context (the deprecated token array) is not supported: send the conversation to /api/chat.', 'context');
  const sampling = toOllamaSampling(request.options);
  const responseFormat = toOllamaFormat(request.format);
  const common = { model: request.model, sampling, ...(responseFormat ? { responseFormat } : {}) };
  const prompt = request.prompt ?? '';
  const system = request.system ? [{ role: 'system' as const, content: request.system }] : [];
  let generation: GenerationRequest | undefined;
  if (prompt !== '' && request.raw === true) generation = { ...common, prompt };
  else if (prompt !== '') generation = { ...common, messages: [...system, { role: 'user', content: prompt }] };
  const residency = ollamaResidency(ctx, request);
  await answerOllama(ex, ctx, { model: request.model, stream: request.stream !== false, inputParam: 'prompt', piece: (text) => ({ response: text }), request: generation, residency });
}

/**
 * Runs the request through the generation pipeline (which holds the model, loading it on demand,
 * with the request's abort signal: a client that leaves stops it), and answers as Ollama does:
 * NDJSON lines `{…, done: false}` with the new text, then one `{…, done: true, done_reason, …counts
 * and durations in ns}`; or that last object alone with the whole text when `stream` is false.
 * The stream starts with the first prompt progress or text, so an error before that is still a
 * proper HTTP error; after it, a last line `{"error": "…"}`, which Ollama's clients raise.
 */
async function answerOllama(ex: ApiExchange, ctx: ApiContext, spec: OllamaGeneration): Promise<void> {
  let model = spec.model;
  const head = () => ({ model, created_at: new Date().toISOString() });
  const { residency } = spec;
  if (!spec.request) {
    // As Ollama: with keep_alive 0 an empty request unloads the model, and never loads one to do so.
    model = (await ctx.models.resolve(spec.model)).id;
    if (!residency.unload || ctx.core.inference.getState().models.some((loaded) => loaded.modelId === model)) {
      const lease = await residency.models.acquire(model, ex.signal);
      lease.release();
    }
    await residency.settle(model);
    ex.sendJson(200, { ...head(), ...spec.piece(''), done: true, done_reason: residency.unload ? 'unload' : 'load' });
    return;
  }
  const lines = spec.stream ? new NdjsonStream(ex) : undefined;
  let outcome: GenerationOutcome;
  try {
    // One NDJSON line per token, as Ollama streams.
    const chunking = spec.stream ? { chunking: 'token' as const } : {};
    outcome = await ctx.core.generation.run({ requestId: `api-${randomUUID()}`, ...spec.request, ...chunking }, residency.models, {
      signal: ex.signal,
      emit: (event) => {
        if (event.type === 'model') model = event.modelId;
        if (event.type === 'model' || event.type === 'queued') return;
        lines?.start();
        if (event.type === 'tokens' && event.text !== '') lines?.send({ ...head(), ...spec.piece(event.text), done: false });
      },
    });
  } catch (error) {
    const apiError = toApiError(error, ctx.logger, 'an Ollama reply', { input: spec.inputParam, dialect: 'ollama' });
    if (!lines?.started) throw apiError;
    return lines.fail(apiError);
  }
  // keep_alive 0: answered once the model is gone, so a `ps` right after agrees.
  await residency.settle(outcome.modelId);
  const { stats, usage } = outcome;
  ex.promptTokens = usage.promptTokens;
  ex.completionTokens = usage.completionTokens;
  if (ex.closed) return;
  if (outcome.finishReason === 'aborted') {
    if (lines?.started) return lines.fail(replyStopped());
    throw replyStopped();
  }
  const promptMs = Math.max(0, stats.timeToFirstTokenMs - stats.queuedMs);
  const done = {
    done: true,
    done_reason: outcome.finishReason === 'toolCalls' ? 'stop' : outcome.finishReason,
    total_duration: ns(performance.now() - ex.startedAt),
    load_duration: ns(outcome.loadMs),
    prompt_eval_count: usage.promptTokens,
    prompt_eval_duration: ns(promptMs),
    eval_count: usage.completionTokens,
    eval_duration: ns(Math.max(0, stats.totalMs - stats.timeToFirstTokenMs)),
  };
  if (!lines) {
    ex.sendJson(200, { ...head(), ...spec.piece(outcome.text, outcome.toolCalls), ...done });
    return;
  }
  lines.start();
  // As Ollama streams them: the calls in one message of their own, once complete, before the last line.
  if (outcome.toolCalls && outcome.toolCalls.length > 0) lines.send({ ...head(), ...spec.piece('', outcome.toolCalls), done: false });
  lines.send({ ...head(), ...spec.piece(''), ...done });
  lines.end();
}

/** Newline-delimited JSON, Ollama's streaming format: one object per line. */
export class NdjsonStream {
  started = false;

  constructor(private readonly ex: ApiExchange) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.ex.res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' });
  }

  send(data: unknown): void {
    if (!this.ex.closed) this.ex.res.write(`${JSON.stringify(data)}\n`);
  }

  /** An error after the stream began: Ollama's clients raise the `error` field of a line. */
  fail(error: ApiError): void {
    this.ex.errorCode = error.hearthCode;
    this.send({ error: error.message });
    this.ex.res.end();
  }

  end(): void {
    if (!this.ex.closed) this.ex.res.end();
  }
}

/** A call in Ollama's shape: its arguments as an object (the JSON the model wrote, parsed). */
function ollamaToolCall(call: ToolCall): Record<string, unknown> {
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    args = {};
  }
  return { id: call.id, function: { name: call.name, arguments: args } };
}
