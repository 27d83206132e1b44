import type { ErrorShape } from '../../../shared/errors';
import type { LoadSettingsRequest } from '../../../shared/schemas';
import type { LabRequest, LabResultOf } from './labOp';
import type { TextPiece } from './tokenBatcher';
import type { BenchOpResult, BenchRequest } from './benchOp';
import type { RankResult } from './ranking';
import type { GgmlThreadpoolStatus } from './ggmlThreadpool';
import type { ChatMessage, EmbedResult, GenerationStats, JsonOutputCheck, LoadSettings, ResponseFormat, SamplingParams, TokenLogprob, Tool, ToolCall, ToolChoice } from '../../../shared/dto';
import type { LlamaHardwareView } from '../../../shared/hardwareDto';

/**
 * Messages between the host and the engine process. Plain JSON-serializable objects only, so
 * the same worker runs under Node's `child_process.fork` and Electron's `utilityProcess`.
 */

/**
 * A planned load (see `loadSettingsSchema` for each field): context, threads, GPU layers and flash
 * attention are always decided by the plan; `parallel` may be left to the engine (`auto`: as
 * many as fit, see parallelSequences.ts); the others default in the engine (f16 KV cache,
 * llama.cpp's batch size, mmap on).
 */
export type LoadPlan = Required<Pick<LoadSettingsRequest, 'contextSize' | 'threads' | 'gpuLayers' | 'flashAttention'>> &
  Omit<LoadSettingsRequest, 'contextSize' | 'threads' | 'gpuLayers' | 'flashAttention' | 'parallel'> & { parallel: number | 'auto' };

export type LoadRequest = { op: 'load'; modelPath: string } & LoadPlan;

export interface UnloadRequest {
  op: 'unload';
}
/**
 * A reply: either a chat (`messages`, rendered with the model's chat template) or a raw completion
 * (`prompt`, tokenized as it is, special tokens included, with the model's BOS in front).
 */
export type GenerateRequest = {
  op: 'generate';
  requestId: string;
  params: SamplingParams;
  /** Constrains the output with a grammar; absent or `text` = free text. */
  responseFormat?: ResponseFormat | undefined;
  /** `token`: each piece of text kept apart (still posted in batches), so it streams on its own; default batched (see `chunkingSchema`). */
  chunking?: 'token' | 'batched';
  /** Each generated token's log probability and `top` alternatives (slower: the whole distribution is read per token). */
  logprobs?: { top: number };
  /** Functions the model may call, in its own tool format (toolFormat.ts); only with `messages`. */
  tools?: ToolRequest;
} & ({ messages: ChatMessage[]; prompt?: undefined } | { prompt: string | number[]; messages?: undefined });

/** The tools of one request as the engine runs them (`toolChoice: none` never reaches it: those tools are not offered). */
export interface ToolRequest {
  tools: Tool[];
  choice: Exclude<ToolChoice, 'none'>;
  /** Several calls in one reply allowed (when the model's format has them). */
  parallel: boolean;
}
/** Embedding vectors of `texts`, from the loaded model (see embeddings.ts). */
export interface EmbedRequest {
  op: 'embed';
  /** Texts, or token ids (checked against the vocabulary). */
  texts: (string | number[])[];
}
/** Relevance scores of `documents` against `query`, from the loaded reranking model (see ranking.ts). */
export interface RankRequest {
  op: 'rank';
  query: string;
  documents: string[];
}
export interface AbortRequest {
  op: 'abort';
  requestId: string;
}
/** The engine's own view, for diagnostics and leak checks. */
export interface StatusRequest {
  op: 'status';
}
/** What llama.cpp sees of this machine: backend, GPUs, VRAM (the fit estimate decides with it). */
export interface HardwareRequest {
  op: 'hardware';
}
/**
 * The most threads this engine's contexts may use from the next decode on (llama's `maxThreads`):
 * the fleet shares the cores among engines generating at once, so they never oversubscribe them.
 */
export interface ThreadsRequest {
  op: 'threads';
  max: number;
}
/** Test only (the worker accepts it only with HEARTH_ENGINE_TEST_OPS=1): block the event loop for `ms`. */
export interface HangRequest {
  op: 'hang';
  ms: number;
}

export type EngineRequest =
  | LoadRequest
  | UnloadRequest
  | GenerateRequest
  | EmbedRequest
  | RankRequest
  | AbortRequest
  | StatusRequest
  | HardwareRequest
  | ThreadsRequest
  | HangRequest
  /** The quantization lab's steps, in an engine process of its own (see labOp.ts). */
  | LabRequest
  /** One thread count of the machine benchmark, in an engine process of its own (see benchOp.ts). */
  | BenchRequest;

export interface LoadResult {
  name: string;
  /** What the model was loaded with, read back from llama.cpp (threads after the warm-up decode). */
  settings: LoadSettings;
  modelBytes: number;
  trainContextSize: number;
  /** Growth of the engine process's RSS and of used VRAM over the load, in bytes. */
  measured: { ramBytes: number; vramBytes: number };
}
export interface GenerateResult {
  text: string;
  /** With `logprobs` asked for: one entry per generated token. */
  logprobs?: TokenLogprob[];
  stats: Omit<GenerationStats, 'queuedMs'>;
  /** The context sequence that produced it (diagnostics, batching tests). */
  sequenceId: number;
  /** With a JSON response format: whether `text` is complete JSON of the requested shape. */
  json?: JsonOutputCheck;
  /** The calls the model made (with `tools`). */
  toolCalls?: ToolCall[];
  /** With `tools`: the tool format used (`generic` = Hearth's, the model has none of its own), and anything the host should log about it. */
  toolFormat?: { name: string; native: boolean; notes: string[] };
}
export interface EngineStatusResult {
  /** Models resident in the engine's memory: 0 or 1; more would be a leak. */
  residentModels: number;
  activeGenerations: number;
  parallel: number;
  /** The engine process's resident memory now, and its peak since it started, in bytes. */
  rssBytes: number;
  peakRssBytes: number;
  /** `UV_THREADPOOL_SIZE` as the engine process sees it (set by its launcher; see ENGINE_PROCESS_ENV), null when unset. */
  uvThreadpoolSize: string | null;
  /** Threads its contexts may use now (the fleet's share of the cores; see ThreadsRequest). */
  maxThreads: number;
  /** Whether ggml's compute threads are kept between decodes in this process, and how often that was used (ggmlThreadpool.ts). */
  ggmlThreadpool: GgmlThreadpoolStatus;
}

export type EngineResultOf<R extends EngineRequest> = R extends BenchRequest
  ? BenchOpResult
  : R extends LabRequest
  ? LabResultOf<R>
  : R extends LoadRequest
  ? LoadResult
  : R extends GenerateRequest
    ? GenerateResult
    : R extends AbortRequest
      ? { aborted: boolean }
      : R extends StatusRequest
        ? EngineStatusResult
        : R extends HangRequest
          ? { hung: number }
          : R extends HardwareRequest
            ? LlamaHardwareView
            : R extends ThreadsRequest
              ? { max: number }
            : R extends EmbedRequest
              ? EmbedResult
            : R extends RankRequest
              ? RankResult
              : { unloaded: boolean };

/** Host → engine. */
export interface EngineCall {
  kind: 'call';
  id: number;
  request: EngineRequest;
}

/**
 * Streamed text of one reply, several tokens per message to keep the boundary cheap; with `pieces`
 * (a caller streaming each token), the pieces it is made of, each to be passed on alone.
 */
export interface TokensMessage {
  kind: 'tokens';
  requestId: string;
  text: string;
  tokenCount: number;
  logprobs?: TokenLogprob[];
  pieces?: TextPiece[];
}

/** Engine → host. */
export type EngineMessage =
  | { kind: 'ready'; pid: number }
  /** Sent every second while the process's event loop runs: the host's watchdog listens for it. */
  | { kind: 'heartbeat' }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: ErrorShape }
  | { kind: 'loadProgress'; progress: number }
  /** Prompt evaluation of `requestId`: `processed` of `total` tokens (cached ones count as processed). */
  | { kind: 'promptProgress'; requestId: string; processed: number; total: number }
  | TokensMessage
  /** The text several replies had waiting when the outbox's timer fired, in one message (see StreamOutbox). */
  | { kind: 'batch'; messages: TokensMessage[] }
  /** A tool call of `requestId` opened (`delta` '') or its arguments grew by `delta`. */
  | { kind: 'toolCall'; requestId: string; index: number; id: string; name: string; delta: string };
