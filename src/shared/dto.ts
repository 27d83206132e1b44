/**
 * Serializable data that crosses process boundaries: plain objects, ISO-8601 date strings,
 * no class instances. Sizes are bytes, durations milliseconds, lengths tokens.
 */

/** GGUF metadata Hearth shows for a model file. */
export interface ModelMetadata {
  /** `general.name`, or the file name when the file has none. */
  name: string;
  /** `general.architecture`, e.g. `llama`, `qwen2`. */
  architecture: string;
  /** Total number of weights, summed over every tensor. */
  parameterCount: number;
  /** Quantization of the file as llama.cpp names it, e.g. `Q4_K_M`, `Q8_0`, `F16`. */
  quantization: string;
  /** Context length the model was trained with, in tokens. */
  trainedContextLength: number;
  /** Number of transformer blocks. */
  layers: number;
}

/** One GGUF model found in the models folder. */
export interface ModelInfo {
  /** Stable id: path relative to the models folder, with `/` separators. */
  id: string;
  /** Absolute path of the (first part of the) file. */
  path: string;
  fileName: string;
  /** From the LM Studio layout `<publisher>/<repo>/<file>.gguf`; absent for loose files. */
  publisher?: string;
  repo?: string;
  /** Size on disk, all split parts together, in bytes. */
  sizeBytes: number;
  /** Last modification time (ISO-8601). */
  modifiedAt: string;
  /** `unreadable`: the file is not a GGUF llama.cpp can read; `error` says why. */
  status: 'ok' | 'unreadable';
  error?: string;
  metadata?: ModelMetadata;
}

/** Settings a model is loaded with. */
export interface LoadSettings {
  /** Context window in tokens; capped to the model's trained length. */
  contextSize: number;
  /** CPU threads used for generation. */
  threads: number;
  /** Replies that can be generated at once (parallel sequences, each with `contextSize` tokens). */
  parallel: number;
}

/** The model currently loaded in the engine. */
export interface LoadedModel {
  modelId: string;
  name: string;
  settings: LoadSettings;
  /** Wall time of the load, in ms. */
  loadMs: number;
  /** When the load finished (ISO-8601). */
  loadedAt: string;
  /** Bytes of weights as llama.cpp reports them. */
  modelBytes: number;
}

/** Lifecycle of the engine process. `crashed` means it died; the next request starts a new one. */
export type EngineState = 'idle' | 'starting' | 'ready' | 'crashed';

export interface EngineStatus {
  state: EngineState;
  /** OS process id of the engine, when one runs. */
  pid?: number;
  /** Why the engine last died, if it did. */
  lastError?: string;
}

/** Everything the UI needs to draw the model bar and status bar; pushed on every change. */
export interface InferenceState {
  engine: EngineStatus;
  loaded: LoadedModel | null;
  /** A load in progress; `progress` is 0–1. */
  loading: { modelId: string; progress: number } | null;
  /** Ids of chat requests currently generating. */
  activeRequests: string[];
  /** Requests waiting for a free sequence, in order. */
  queuedRequests: number;
}

export type { ChatMessage, ChatRole, SamplingParams, LoadOptions, ChatArgs } from './schemas';

/** Why a reply ended: end-of-generation token, token limit, a stop string, or the user's stop. */
export type StopReason = 'eos' | 'length' | 'stop' | 'abort';

/** Per-reply statistics. */
export interface GenerationStats {
  /** Tokens in the rendered prompt. */
  promptTokens: number;
  /** Of those, tokens whose KV cache was reused from the previous turn. */
  cachedPromptTokens: number;
  completionTokens: number;
  /** Time spent waiting in the queue for a free sequence, in ms (included in the times below). */
  queuedMs: number;
  /** From request to first generated token, in ms. */
  timeToFirstTokenMs: number;
  /** Whole request, in ms. */
  totalMs: number;
  /** Generation speed after the first token, in tokens/s. */
  tokensPerSecond: number;
  /** Prompt evaluation speed (uncached tokens), in tokens/s. */
  promptTokensPerSecond: number;
  stopReason: StopReason;
}

/**
 * What a streaming `inference.chat` call sends to its own caller while the reply is produced:
 * its place in the queue, prompt-reading progress, then batches of new text.
 */
export type ChatChunk =
  /** Waiting for a free sequence; `position` 1 = next. */
  | { type: 'queued'; position: number }
  /** Prompt tokens evaluated so far out of `total` (cached tokens count as evaluated). */
  | { type: 'prompt'; processed: number; total: number }
  /** New reply text: `tokenCount` tokens decoded to `text`. */
  | { type: 'tokens'; text: string; tokenCount: number };

export interface ChatResult {
  requestId: string;
  text: string;
  stats: GenerationStats;
}

/** Static facts about this Hearth instance. */
export interface AppInfo {
  version: string;
  /** `electron` for the desktop window, `headless` for `hearth serve`. */
  host: 'electron' | 'headless';
  dataDir: string;
  modelsDir: string;
  /** Default generation threads. */
  threads: number;
}
