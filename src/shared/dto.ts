/**
 * Serializable data that crosses process boundaries: plain objects, ISO-8601 date strings,
 * no class instances. Sizes are bytes, durations milliseconds, lengths tokens.
 */

import type { LoadSettingsRequest } from './schemas';
import type { ToolCall } from './toolSchemas';
import type { LoadMemoryCheck } from './hardwareDto';

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
  /** `general.license` (an SPDX id such as `apache-2.0`, else `general.license.name`); absent when the file names none. */
  license?: string;
}

/** One GGUF model found in the models folder. */
export interface ModelInfo {
  /**
   * Stable id. In the models folder: the path relative to it, with `/` separators. In an added
   * folder: `<folder key>:<path relative to that folder>` (e.g. `lms-3fa2c1:pub/repo/m.gguf`,
   * `hf-9c01de:owner/repo/m.gguf` for the Hugging Face cache); see `libraryRoots.ts`.
   */
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
  /** The library folder (one of `library.listFolders`) the model is in. Always set by the library. */
  folder?: { path: string; kind: LibraryFolderKind };
  /** A symbolic link (e.g. a `link` import): deleting it removes the link, never the file it points to. */
  linked?: boolean;
}

/**
 * Where models come from: Hearth's models folder, LM Studio's models folder, the Hugging Face
 * cache (`…/huggingface/hub`), or any other folder the user added.
 */
export type LibraryFolderKind = 'models' | 'lmstudio' | 'hf-cache' | 'custom';

/** A folder of the library, or one Hearth found and suggests adding (`added: false`). */
export interface LibraryFolder {
  /** Absolute path. */
  path: string;
  kind: LibraryFolderKind;
  /** True for the models folder and the folders the user added; false for a suggestion. */
  added: boolean;
  /** False when an added folder is gone (an unplugged drive); its models are then not listed. */
  exists: boolean;
  /** GGUF models in it (split models count once); absent when it could not be counted. */
  modelCount?: number;
}

/** Result of `library.deleteModel`. */
export interface DeleteModelResult {
  /** Absolute paths of the files removed (every part of a split model; a linked import's link, not its target). */
  deleted: string[];
}

/**
 * Settings a model is loaded with, as the engine read them back: every field of
 * `loadSettingsSchema` (its docs say what each means), resolved to a value (`gpuLayers` and
 * `parallel` as numbers).
 */
export type LoadSettings = { [K in keyof LoadSettingsRequest]-?: Exclude<NonNullable<LoadSettingsRequest[K]>, 'auto' | 'max'> };

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
  /** Predicted vs measured memory of this load; absent when it could not be measured. */
  memory?: LoadMemoryCheck;
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

/** A model resident in the fleet: loaded in its own engine process. */
export interface ResidentModel extends LoadedModel {
  /** Loaded by the user in the app: stays until the user unloads it (on-demand loads never evict it). */
  pinned: boolean;
  /** Replies and embeddings running on it now. */
  activeRequests: number;
  /** Requests waiting for one of its sequences. */
  queuedRequests: number;
  /** Last request or load (ISO-8601): least recently used idle models are evicted first. */
  lastUsedAt: string;
  /** When it will be unloaded for idleness (ISO-8601), if nothing uses it before; absent when pinned or in use. */
  idleUnloadAt?: string;
  /** Its engine process. */
  engine: EngineStatus;
}

/** Everything the UI needs to draw the model bar and status bar; pushed on every change. */
export interface InferenceState {
  /** The primary model's engine process (else the idle one, or the last crash). */
  engine: EngineStatus;
  /**
   * The primary model: the most recently loaded or used of those the user loaded in the app (else of
   * all): what a request without a model gets, and what the model bar shows.
   */
  loaded: LoadedModel | null;
  /** Every resident model, most recently used first. */
  models: ResidentModel[];
  /** A load in progress; `progress` is 0–1. */
  loading: { modelId: string; progress: number } | null;
  /** Ids of chat requests currently generating, on every model. */
  activeRequests: string[];
  /** Requests waiting for a free sequence, on every model. */
  queuedRequests: number;
  /** Most models resident at once; null = as many as memory allows. */
  maxModels: number | null;
}

/** One engine process's part of {@link InferenceState}. */
export type EngineMemberState = Omit<InferenceState, 'models' | 'maxModels'>;

export type { ChatMessage, ChatRole, SamplingParams, LoadOptions, ChatArgs, KvCacheType, FitArgs, ResponseFormat, CompletionArgs, EmbedArgs } from './schemas';
export type { Tool, ToolChoice, ToolCall } from './toolSchemas';

/** Why a reply ended: end-of-generation token, token limit, a stop string, the user's stop, or the model called tools (and ended). */
export type StopReason = 'eos' | 'length' | 'stop' | 'abort' | 'toolCalls';

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
  /** New reply text: `tokenCount` tokens decoded to `text`; with `logprobs` asked for, each token's. */
  | { type: 'tokens'; text: string; tokenCount: number; logprobs?: TokenLogprob[] }
  /**
   * A tool call in progress: call `index` of this reply (0, 1, … in order), its id and function,
   * and the next piece of its arguments' JSON text (the pieces joined are the whole arguments).
   */
  | { type: 'toolCall'; index: number; id: string; name: string; argumentsDelta: string };

/** One alternative the model weighed for a position: a token's text, its natural-log probability, and its UTF-8 bytes. */
export interface TokenChoice {
  token: string;
  logprob: number;
  bytes: number[];
}

/** A generated token with its log probability and the likeliest alternatives (most likely first; as many as asked). */
export interface TokenLogprob extends TokenChoice {
  top: TokenChoice[];
}

export interface ChatResult {
  requestId: string;
  text: string;
  stats: GenerationStats;
  /** With `logprobs` asked for: one entry per generated token, in order. */
  logprobs?: TokenLogprob[];
  /** Only with a JSON `responseFormat`: whether `text` is complete JSON of the requested shape. */
  json?: JsonOutputCheck;
  /** The tools the model called, in order (`text` is then what it wrote before the first call). */
  toolCalls?: ToolCall[];
}

/**
 * Whether a reply generated under a JSON grammar is usable. The grammar keeps every token on the
 * path of valid JSON, but a reply cut short (stop reason `length`, `abort`, a stop string) is not
 * complete JSON; that is reported here, never papered over.
 */
export interface JsonOutputCheck {
  /** True when `text` parses as JSON and matches the requested schema. */
  valid: boolean;
  /** Why not, for people (e.g. "the reply reached its token limit before the JSON was complete"). */
  error?: string;
}

/** Result of `inference.embed`: one vector per text, in order. */
export interface EmbedResult {
  /** Unit-length (L2-normalised) vectors of the model's embedding size, so cosine similarity is a dot product. */
  vectors: number[][];
  /** Tokens evaluated over all texts (including any BOS/EOS the tokenizer adds). */
  promptTokens: number;
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

/** What answers behind a provider's URL, as it says itself (`openai-compatible` = it did not say). */
export type ProviderKind = 'hearth' | 'ollama' | 'llama-server' | 'vllm' | 'openai-compatible';

/** A model of a provider, named `<provider>/<model>` everywhere in Hearth. */
export interface RemoteModelInfo {
  /** `<provider>/<model>`: what a request's `model` names. */
  id: string;
  provider: string;
  /** The model's id on the remote server. */
  remoteId: string;
  /** False while its provider does not answer (it stays listed, with the reason). */
  available: boolean;
  unavailableReason?: string;
}

/** A remote OpenAI-compatible server Hearth forwards to. Never carries the key, only whether there is one. */
export interface ProviderInfo {
  name: string;
  /** Its base URL, without the `/v1`. */
  baseUrl: string;
  /** Where its key comes from: none, stored as a secret (key file / the OS keychain), or an environment variable read at each use. */
  keySource: 'none' | 'stored' | 'env';
  /** With `keySource: 'env'`: the variable's name. */
  keyEnv?: string;
  /** Whether a key is there now (the secret is stored, or the variable is set). */
  hasKey: boolean;
  /** What answers there, once recognised; null before the first check. */
  kind: ProviderKind | null;
  /** Its version as it says, when it says. */
  version: string | null;
  /** `ok` after its models were read, `down` when the last check failed, `unknown` before any. */
  status: 'unknown' | 'ok' | 'down';
  /** Why it is down, one sentence naming the provider. */
  error?: string;
  /** When it was last checked (ISO-8601). */
  checkedAt: string | null;
  models: RemoteModelInfo[];
}
