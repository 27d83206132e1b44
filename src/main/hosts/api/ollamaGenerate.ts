import { randomUUID } from 'node:crypto';
import { chatArgsSchema, completionArgsSchema } from '../../../shared/schemas';
import type { ChatResult } from '../../../shared/dto';
import type { GenerationCaller } from '../../core/engine/engineService';
import type { ApiContext } from './apiContext';
import type { ApiExchange } from './exchange';
import { ensureValid } from './generationResponse';
import { ApiError, badRequest, toApiError } from './openaiErrors';
import { ollamaChatBodySchema, ollamaGenerateBodySchema, refuseUnsupported, toOllamaFormat, toOllamaMessages, toOllamaSampling } from './ollamaParams';
import { parseBody } from './openaiSchemas';

/** Milliseconds to Ollama's durations, which are nanoseconds. */
const ns = (ms: number): number => Math.max(0, Math.round(ms * 1e6));

interface OllamaGeneration {
  model: string;
  stream: boolean;
  inputParam: string;
  /** One streamed or whole answer carrying `text` (a `message` for chat, a `response` for generate). */
  piece(text: string): Record<string, unknown>;
  /** Runs the generation; undefined = nothing to generate (an empty prompt only loads the model). */
  run: ((requestId: string, modelId: string, caller: GenerationCaller) => Promise<ChatResult>) | undefined;
}

/** `POST /api/chat`: the messages through the model's chat template; NDJSON stream unless `stream: false`. */
export async function ollamaChat(ex: ApiExchange, ctx: ApiContext, body: Record<string, unknown>): Promise<void> {
  const request = parseBody(ollamaChatBodySchema, body);
  ex.model = request.model;
  refuseUnsupported(request);
  const messages = toOllamaMessages(request.messages ?? []);
  const params = toOllamaSampling(request.options);
  const responseFormat = toOllamaFormat(request.format);
  const args = { messages, params, ...(responseFormat ? { responseFormat } : {}) };
  if (messages.length > 0) ensureValid(chatArgsSchema, { requestId: 'check', ...args });
  await answerOllama(ex, ctx, {
    model: request.model,
    stream: request.stream !== false,
    inputParam: 'messages',
    piece: (text) => ({ message: { role: 'assistant', content: text } }),
    // As Ollama: no messages loads the model and answers at once.
    run: messages.length === 0 ? undefined : (requestId, modelId, caller) => ctx.core.inference.chat({ requestId, modelId, ...args }, caller),
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
  const params = toOllamaSampling(request.options);
  const responseFormat = toOllamaFormat(request.format);
  const format = responseFormat ? { responseFormat } : {};
  const prompt = request.prompt ?? '';
  let run: OllamaGeneration['run'];
  if (prompt !== '' && request.raw === true) {
    const args = { prompt, params, ...format };
    ensureValid(completionArgsSchema, { requestId: 'check', ...args });
    run = (requestId, modelId, caller) => ctx.core.inference.complete({ requestId, modelId, ...args }, caller);
  } else if (prompt !== '') {
    const system = request.system ? [{ role: 'system' as const, content: request.system }] : [];
    const args = { messages: [...system, { role: 'user' as const, content: prompt }], params, ...format };
    ensureValid(chatArgsSchema, { requestId: 'check', ...args });
    run = (requestId, modelId, caller) => ctx.core.inference.chat({ requestId, modelId, ...args }, caller);
  }
  await answerOllama(ex, ctx, { model: request.model, stream: request.stream !== false, inputParam: 'prompt', piece: (text) => ({ response: text }), run });
}

/**
 * Takes the model (loading it on demand), runs the generation with the request's abort signal
 * (a client that leaves stops it), and answers as Ollama does: NDJSON lines `{…, done: false}`
 * with the new text, then one `{…, done: true, done_reason, …counts and durations in ns}`; or that
 * last object alone with the whole text when `stream` is false. The stream starts with the first
 * prompt progress or text, so an error before that is still a proper HTTP error; after it, a last
 * line `{"error": "…"}`, which Ollama's clients raise.
 */
async function answerOllama(ex: ApiExchange, ctx: ApiContext, spec: OllamaGeneration): Promise<void> {
  const lease = await ctx.models.acquire(spec.model, ex.signal);
  const loadMs = performance.now() - ex.startedAt;
  try {
    const model = lease.model.id;
    const head = () => ({ model, created_at: new Date().toISOString() });
    if (!spec.run) {
      ex.sendJson(200, { ...head(), ...spec.piece(''), done: true, done_reason: 'load' });
      return;
    }
    const lines = spec.stream ? new NdjsonStream(ex) : undefined;
    let result: ChatResult;
    try {
      result = await spec.run(`api-${randomUUID()}`, model, {
        signal: ex.signal,
        emit: (chunk) => {
          if (chunk.type === 'queued') return;
          lines?.start();
          if (chunk.type === 'tokens' && chunk.text !== '') lines?.send({ ...head(), ...spec.piece(chunk.text), done: false });
        },
      });
    } catch (error) {
      const apiError = toApiError(error, ctx.logger, 'an Ollama reply', { input: spec.inputParam });
      if (!lines?.started) throw apiError;
      return lines.fail(apiError);
    }
    const { stats } = result;
    ex.promptTokens = stats.promptTokens;
    ex.completionTokens = stats.completionTokens;
    if (ex.closed) return;
    if (stats.stopReason === 'abort') {
      const stopped = new ApiError(503, 'server_error', 'The reply was stopped before it finished (the model was unloaded, or the reply was stopped in Hearth).', null, 'reply_stopped', 1_000, 'ABORTED');
      if (lines?.started) return lines.fail(stopped);
      throw stopped;
    }
    const promptMs = Math.max(0, stats.timeToFirstTokenMs - stats.queuedMs);
    const done = {
      done: true,
      done_reason: stats.stopReason === 'length' ? 'length' : 'stop',
      total_duration: ns(performance.now() - ex.startedAt),
      load_duration: ns(loadMs),
      prompt_eval_count: stats.promptTokens,
      prompt_eval_duration: ns(promptMs),
      eval_count: stats.completionTokens,
      eval_duration: ns(Math.max(0, stats.totalMs - stats.timeToFirstTokenMs)),
    };
    if (!lines) {
      ex.sendJson(200, { ...head(), ...spec.piece(result.text), ...done });
      return;
    }
    lines.start();
    lines.send({ ...head(), ...spec.piece(''), ...done });
    lines.end();
  } finally {
    lease.release();
  }
}

/** Newline-delimited JSON, Ollama's streaming format: one object per line. */
class NdjsonStream {
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
