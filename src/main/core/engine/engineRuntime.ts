import {
  getLlama,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { AppError } from '../../../shared/errors';
import type { ChatMessage, GenerationStats, SamplingParams, StopReason } from '../../../shared/dto';
import type { GenerateRequest, GenerateResult, LoadRequest, LoadResult } from './protocol';
import { TokenTextStream } from './textStream';

/** How the engine reaches llama.cpp. `gpu: false` forces the CPU build. */
export interface EngineRuntimeOptions {
  gpu: 'auto' | false;
  /** Upper bound for threads across the process (node-llama-cpp's `maxThreads`). */
  maxThreads: number;
}

interface Loaded {
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  chatWrapper: ChatWrapper;
  contextSize: number;
  threads: number;
}

/** Default sampling: what LM Studio and llama.cpp's server ship with. */
const DEFAULTS = { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1 } as const;
/** Generated tokens the repeat penalty looks back over. */
const REPEAT_WINDOW = 64;

/**
 * Everything that touches llama.cpp, in one object that lives inside the engine process
 * (and in-process in tests). One `Llama` per process, one loaded model, one sequence that is
 * reused across turns so the unchanged prompt prefix is never evaluated twice.
 */
export class EngineRuntime {
  private llamaPromise: Promise<Llama> | undefined;
  private loaded: Loaded | undefined;
  private generation: { requestId: string; controller: AbortController } | undefined;
  /** Last few error lines llama.cpp logged: its thrown errors are generic, the reason is only logged. */
  private readonly recentLlamaErrors: string[] = [];

  constructor(private readonly options: EngineRuntimeOptions) {}

  /** One `getLlama` per process: it is slow (~0.5 s) and loads native code. Never builds or downloads. */
  private llama(): Promise<Llama> {
    this.llamaPromise ??= getLlama({
      gpu: this.options.gpu,
      build: 'never',
      skipDownload: true,
      maxThreads: this.options.maxThreads,
      logLevel: LlamaLogLevel.error,
      logger: (level, message) => {
        this.recentLlamaErrors.push(message.trim());
        if (this.recentLlamaErrors.length > 8) this.recentLlamaErrors.shift();
        process.stderr.write(`[llama.cpp] ${level}: ${message.trim()}\n`);
      },
      progressLogs: false,
    });
    return this.llamaPromise;
  }

  async load(request: LoadRequest, onProgress: (progress: number) => void): Promise<LoadResult> {
    if (this.generation) throw new AppError('BUSY', 'A reply is being generated; stop it before loading another model.');
    await this.unload();
    const llama = await this.llama();
    this.recentLlamaErrors.length = 0;
    const model = await llama
      .loadModel({
        modelPath: request.modelPath,
        gpuLayers: this.options.gpu === false ? 0 : 'auto',
        onLoadProgress: onProgress,
      })
      .catch(async (error: unknown) => {
        throw new AppError('MODEL_UNREADABLE', `llama.cpp could not load this model: ${await this.loadFailureReason(error)}`);
      });
    try {
      const contextSize = Math.min(request.contextSize, model.trainContextSize);
      const context = await model.createContext({ contextSize, threads: request.threads, sequences: 1 });
      const chatWrapper = resolveChatWrapper(model);
      this.loaded = { model, context, sequence: context.getSequence(), chatWrapper, contextSize, threads: request.threads };
      return {
        name: model.fileInfo.metadata.general?.name ?? model.filename ?? 'model',
        contextSize,
        threads: request.threads,
        modelBytes: model.size,
        trainContextSize: model.trainContextSize,
      };
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  /** The most specific reason llama.cpp gave for a failed load (e.g. "tensor ... data is not within the file bounds"). */
  private async loadFailureReason(error: unknown): Promise<string> {
    const marker = 'error loading model: ';
    // llama.cpp's log lines reach JavaScript asynchronously, often just after the rejection.
    for (let waited = 0; waited < 200 && !this.recentLlamaErrors.some((l) => l.includes(marker)); waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const detailed = this.recentLlamaErrors.find((line) => line.includes(marker));
    if (detailed) return detailed.slice(detailed.indexOf(marker) + marker.length);
    return this.recentLlamaErrors.at(-1) ?? (error instanceof Error ? error.message : String(error));
  }

  async unload(): Promise<boolean> {
    const loaded = this.loaded;
    if (!loaded) return false;
    this.generation?.controller.abort();
    this.loaded = undefined;
    await loaded.context.dispose();
    await loaded.model.dispose();
    return true;
  }

  abort(requestId: string): boolean {
    if (this.generation?.requestId !== requestId) return false;
    this.generation.controller.abort();
    return true;
  }

  /** Streams a chat reply. `onText` receives decoded text as soon as it is safe to show. */
  async generate(request: GenerateRequest, onText: (text: string, tokenCount: number) => void): Promise<GenerateResult> {
    const loaded = this.loaded;
    if (!loaded) throw new AppError('MODEL_NOT_LOADED', 'No model is loaded. Load a model first.');
    if (this.generation) throw new AppError('BUSY', 'A reply is already being generated.');
    const controller = new AbortController();
    this.generation = { requestId: request.requestId, controller };
    try {
      return await this.runGeneration(loaded, request.messages, request.params, controller.signal, onText);
    } finally {
      this.generation = undefined;
    }
  }

  private async runGeneration(
    loaded: Loaded,
    messages: ChatMessage[],
    params: SamplingParams,
    signal: AbortSignal,
    onText: (text: string, tokenCount: number) => void,
  ): Promise<GenerateResult> {
    const started = performance.now();
    const { model, sequence, chatWrapper, contextSize } = loaded;
    const state = chatWrapper.generateContextState({ chatHistory: toChatHistory(messages) });
    const promptTokens = state.contextText.tokenize(model.tokenizer);
    if (promptTokens.length >= contextSize) {
      throw new AppError(
        'CONTEXT_OVERFLOW',
        `The conversation is ${promptTokens.length} tokens but the context holds ${contextSize}. ` +
          'Start a new chat or load the model with a larger context.',
      );
    }
    const stopTokens = new Set<Token>();
    for (const trigger of state.stopGenerationTriggers) {
      const tokens = trigger.tokenize(model.tokenizer, 'trimLeadingSpace');
      if (tokens.length === 1) stopTokens.add(tokens[0]!);
    }

    const cached = await reusePrefix(sequence, promptTokens);
    const maxTokens = Math.min(params.maxTokens ?? Infinity, contextSize - promptTokens.length);
    const generated: Token[] = [];
    const stream = new TokenTextStream(
      (tokens, last) => model.detokenize(tokens as Token[], false, last as Token[]),
      params.stop ?? [],
    );
    const temperature = params.temperature ?? DEFAULTS.temperature;
    const penalty = params.repeatPenalty ?? DEFAULTS.repeatPenalty;
    let firstTokenAt = 0;
    let stopReason: StopReason = 'eos';
    let pendingTokens = 0;

    const iterator = sequence.evaluate(promptTokens.slice(cached), {
      temperature,
      topK: params.topK ?? DEFAULTS.topK,
      topP: params.topP ?? DEFAULTS.topP,
      minP: params.minP ?? DEFAULTS.minP,
      seed: params.seed,
      repeatPenalty:
        penalty === 1 ? undefined : { punishTokens: () => generated.slice(-REPEAT_WINDOW), penalty },
    });
    for await (const token of iterator) {
      if (firstTokenAt === 0) firstTokenAt = performance.now();
      if (signal.aborted) {
        stopReason = 'abort';
        break;
      }
      if (stopTokens.has(token) || model.isEogToken(token)) break;
      generated.push(token);
      pendingTokens++;
      const text = stream.push(token);
      if (text) {
        onText(text, pendingTokens);
        pendingTokens = 0;
      }
      if (stream.stopped) {
        stopReason = 'stop';
        break;
      }
      if (generated.length >= maxTokens) {
        stopReason = 'length';
        break;
      }
    }
    if (signal.aborted) stopReason = 'abort';
    const tail = stream.finish();
    if (tail || pendingTokens) onText(tail, pendingTokens);
    const ended = performance.now();
    return { text: stream.fullText, stats: buildStats(started, firstTokenAt, ended, promptTokens.length, cached, generated.length, stopReason) };
  }

  async dispose(): Promise<void> {
    await this.unload();
    const llama = await this.llamaPromise?.catch(() => undefined);
    await llama?.dispose();
  }
}

/**
 * Keeps the KV cache for the longest common prefix of what the sequence already holds and the new
 * prompt, erases the rest, and returns how many prompt tokens need no evaluation. At least one
 * token is always left to evaluate, since generation needs fresh logits.
 */
async function reusePrefix(sequence: LlamaContextSequence, promptTokens: Token[]): Promise<number> {
  const { firstDifferentIndex } = sequence.compareContextTokens(promptTokens);
  const keep = Math.max(0, Math.min(firstDifferentIndex, promptTokens.length - 1));
  if (sequence.nextTokenIndex > keep) {
    await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
  }
  return keep;
}

function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((message) => {
    if (message.role === 'system') return { type: 'system', text: message.content };
    if (message.role === 'user') return { type: 'user', text: message.content };
    return { type: 'model', response: [message.content] };
  });
  // An empty model turn at the end makes the wrapper render the assistant prefix to generate into.
  history.push({ type: 'model', response: [] });
  return history;
}

function buildStats(
  started: number,
  firstTokenAt: number,
  ended: number,
  promptTokens: number,
  cachedPromptTokens: number,
  completionTokens: number,
  stopReason: StopReason,
): GenerationStats {
  const first = firstTokenAt || ended;
  const genSeconds = (ended - first) / 1000;
  const promptSeconds = (first - started) / 1000;
  return {
    promptTokens,
    cachedPromptTokens,
    completionTokens,
    timeToFirstTokenMs: round(first - started),
    totalMs: round(ended - started),
    tokensPerSecond: completionTokens > 1 && genSeconds > 0 ? round((completionTokens - 1) / genSeconds) : 0,
    promptTokensPerSecond: promptSeconds > 0 ? round((promptTokens - cachedPromptTokens) / promptSeconds) : 0,
    stopReason,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
