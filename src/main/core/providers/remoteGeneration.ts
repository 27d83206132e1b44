import { randomUUID } from 'node:crypto';
import type { GenerationStats, JsonOutputCheck, StopReason, TokenChoice, TokenLogprob, ToolCall } from '../../../shared/dto';
import type { FinishReason, GenerationOutcome, GenerationRequest } from '../../../shared/generation';
import type { GenerationStreamCaller } from '../generation/generationPipeline';
import { CallerAborted, type ProviderClient } from './providerClient';
import { cutFault, ProviderError, remoteMessage } from './providerFaults';
import { toOpenAiBody } from './remoteRequest';

/** Runs a request on a remote model: what the pipeline calls instead of a local engine. */
export type RemoteRunner = (request: GenerationRequest, caller: GenerationStreamCaller) => Promise<GenerationOutcome>;

/** What the generation pipeline asks before it looks for a local model (see `ProviderService.runner`). */
export interface RemoteModels {
  /** The runner for `<provider>/<model>` when `provider` is configured; undefined otherwise (a local name). */
  runner(model: string): RemoteRunner | undefined;
}

/** A remote model: the client of its provider and its id there. */
export interface RemoteTarget {
  client: ProviderClient;
  provider: string;
  remoteModel: string;
  /** `<provider>/<model>`, as the outcome and the `model` event report it. */
  modelId: string;
}

interface ChunkChoice {
  delta?: { content?: string | null; tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }> };
  text?: string;
  finish_reason?: string | null;
  logprobs?: ChatLogprobs & LegacyLogprobs | null;
}
/** A chat chunk's logprobs. */
interface ChatLogprobs {
  content?: Array<TokenChoice & { top_logprobs?: TokenChoice[] }> | null;
}
/** A raw completion's (the legacy shape): parallel lists, each position's alternatives as `{token: logprob}`. */
interface LegacyLogprobs {
  tokens?: string[];
  token_logprobs?: Array<number | null>;
  top_logprobs?: Array<Record<string, number> | null> | null;
}
interface Chunk {
  choices?: ChunkChoice[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null;
  error?: unknown;
}

/**
 * Streams one generation from the remote: a `model` event (the remote id, no load here), one
 * `tokens` event per streamed delta and `toolCall` events as calls arrive, then the outcome with
 * the remote's usage and timings measured here (time to first token, tokens per second). The
 * caller's signal closes the connection at once and the outcome is `aborted` with the text so
 * far; a stream cut midway throws one sentence naming the provider (the text so far was already
 * streamed to the caller, so a chat keeps it).
 */
export async function runRemote(target: RemoteTarget, request: GenerationRequest, caller: GenerationStreamCaller): Promise<GenerationOutcome> {
  const startedAt = performance.now();
  caller.emit({ type: 'model', modelId: target.modelId, loadMs: 0 });
  const { path, body } = toOpenAiBody(request, target.remoteModel);
  let text = '';
  let deltas = 0;
  let firstAt: number | undefined;
  let lastAt = startedAt;
  let finish: string | undefined;
  let usage: Chunk['usage'];
  const logprobs: TokenLogprob[] = [];
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  let aborted = false;
  try {
    for await (const data of target.client.events(path, body, caller.signal, target.remoteModel, () => deltas)) {
      let chunk: Chunk;
      try {
        chunk = JSON.parse(data) as Chunk;
      } catch {
        continue; // a comment or keep-alive some servers send as data
      }
      if (chunk.error !== undefined) throw new ProviderError('NETWORK', `Provider '${target.provider}' failed in the middle of the reply (after ${deltas} tokens): ${remoteMessage(JSON.stringify(chunk)) || 'it sent an error'}.`);
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const piece = choice.delta?.content ?? choice.text ?? '';
      if (piece !== '') {
        const now = performance.now();
        firstAt ??= now;
        lastAt = now;
        deltas++;
        text += piece;
        const entries = logprobsOf(choice.logprobs);
        logprobs.push(...entries);
        caller.emit({ type: 'tokens', text: piece, tokenCount: 1, ...(entries.length > 0 ? { logprobs: entries } : {}) });
      }
      for (const call of choice.delta?.tool_calls ?? []) {
        const index = call.index ?? calls.length;
        const known = (calls[index] ??= { id: call.id ?? `call_${randomUUID().slice(0, 8)}`, name: '', arguments: '' });
        if (call.function?.name) known.name = call.function.name;
        const argumentsDelta = call.function?.arguments ?? '';
        known.arguments += argumentsDelta;
        firstAt ??= performance.now();
        caller.emit({ type: 'toolCall', index, id: known.id, name: known.name, argumentsDelta });
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  } catch (error) {
    if (!(error instanceof CallerAborted)) throw error;
    aborted = true;
  }
  if (!aborted && finish === undefined) throw cutFault(target.provider, 'the stream ended before the reply did', deltas);
  return outcome(target, request, { text, deltas, startedAt, firstAt, lastAt, finish: aborted ? 'aborted' : finish!, usage, logprobs, calls });
}

/** The remote's log probabilities as Hearth's, from either shape (a server that sends none: none). */
function logprobsOf(given: (ChatLogprobs & LegacyLogprobs) | null | undefined): TokenLogprob[] {
  if (!given) return [];
  if (given.content) return given.content.map(({ top_logprobs, ...entry }) => ({ ...entry, top: top_logprobs ?? [] }));
  const choice = (token: string, logprob: number): TokenChoice => ({ token, logprob, bytes: [...Buffer.from(token, 'utf8')] });
  return (given.tokens ?? []).map((token, i) => ({
    ...choice(token, given.token_logprobs?.[i] ?? 0),
    top: Object.entries(given.top_logprobs?.[i] ?? {}).map(([alternative, logprob]) => choice(alternative, logprob)),
  }));
}

interface Ended {
  text: string;
  deltas: number;
  startedAt: number;
  firstAt: number | undefined;
  lastAt: number;
  finish: string;
  usage: Chunk['usage'];
  logprobs: TokenLogprob[];
  calls: Array<{ id: string; name: string; arguments: string }>;
}

function outcome(target: RemoteTarget, request: GenerationRequest, ended: Ended): GenerationOutcome {
  const finishReason: FinishReason = ended.finish === 'aborted' ? 'aborted' : ended.finish === 'length' ? 'length' : ended.finish === 'tool_calls' || ended.calls.length > 0 ? 'toolCalls' : 'stop';
  const stopReason: StopReason = finishReason === 'aborted' ? 'abort' : finishReason === 'length' ? 'length' : 'eos';
  const promptTokens = ended.usage?.prompt_tokens ?? 0;
  const completionTokens = ended.usage?.completion_tokens ?? ended.deltas;
  const cachedPromptTokens = ended.usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const totalMs = performance.now() - ended.startedAt;
  const ttft = (ended.firstAt ?? performance.now()) - ended.startedAt;
  const genMs = ended.firstAt !== undefined ? ended.lastAt - ended.firstAt : 0;
  const stats: GenerationStats = {
    promptTokens,
    cachedPromptTokens,
    completionTokens,
    queuedMs: 0,
    timeToFirstTokenMs: ttft,
    totalMs,
    // Measured here, as a client sees it: tokens after the first over the time since the first.
    tokensPerSecond: genMs > 0 && completionTokens > 1 ? ((completionTokens - 1) * 1000) / genMs : 0,
    // The remote's queue and network are inside the time to first token: a lower bound of its prompt speed.
    promptTokensPerSecond: ttft > 0 ? ((promptTokens - cachedPromptTokens) * 1000) / ttft : 0,
    stopReason,
  };
  const toolCalls: ToolCall[] = ended.calls.filter((call) => call !== undefined).map((call) => ({ id: call.id, name: call.name, arguments: call.arguments }));
  return {
    requestId: request.requestId ?? `gen-${randomUUID()}`,
    text: ended.text,
    stats,
    modelId: target.modelId,
    finishReason,
    usage: { promptTokens, completionTokens, cachedPromptTokens, totalTokens: promptTokens + completionTokens },
    loadMs: 0,
    ...(ended.logprobs.length > 0 ? { logprobs: ended.logprobs } : {}),
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    ...(request.responseFormat && request.responseFormat.type !== 'text' && toolCalls.length === 0 ? { json: jsonCheck(ended.text, stopReason) } : {}),
  };
}

/**
 * Whether the reply is complete JSON. The remote enforced the schema (its grammar or guided
 * decoding); what can still go wrong on the way is a reply cut short, which is reported.
 */
function jsonCheck(text: string, stopReason: StopReason): JsonOutputCheck {
  try {
    JSON.parse(text);
    return { valid: true };
  } catch (error) {
    const why = stopReason === 'length' ? 'The reply reached its token limit before the JSON was complete' : stopReason === 'abort' ? 'The reply was stopped before the JSON was complete' : 'The reply is not valid JSON';
    return { valid: false, error: `${why} (${error instanceof Error ? error.message : String(error)})` };
  }
}
