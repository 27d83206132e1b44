import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { AppError } from '../../../shared/errors';
import type { EmbedResult } from '../../../shared/dto';
import type { LlamaHardwareView } from '../../../shared/hardwareDto';
import { binaryKind, llamaBinaryOptions } from './llamaBinary';
import type { RankResult } from './ranking';
import { Generation, type GenerationInput, type GenerationSink } from './generation';
import { ToolCallDriver } from './toolCallDriver';
import { LockstepScheduler } from './lockstepScheduler';
import { LlamaErrorLog, openModel, type Loaded } from './openModel';
import { ensurePromptFits, renderPrompt } from './prompt';
import type { EmbedRequest, RankRequest, EngineStatusResult, GenerateRequest, GenerateResult, LoadRequest, LoadResult } from './protocol';
import { reusePrefix } from './sequencePool';
import { ggmlThreadpoolStatus } from './ggmlThreadpool';

/** How the engine reaches llama.cpp. `gpu: false` forces the CPU build. */
export interface EngineRuntimeOptions {
  gpu: 'auto' | false;
  /** Upper bound for threads across the process (node-llama-cpp's `maxThreads`). */
  maxThreads: number;
}

/**
 * Everything that touches llama.cpp, in one object that lives inside the engine process (and
 * in-process in tests). One `Llama` per process, one loaded model, one context with N sequences
 * that replies borrow; a lockstep scheduler decodes all running replies together.
 *
 * The host serialises load and unload and never sends more generations than there are sequences;
 * the checks here are a second line of defence, not the scheduling policy.
 */
export class EngineRuntime {
  private llamaPromise: Promise<Llama> | undefined;
  private loaded: Loaded | undefined;
  private readonly scheduler = new LockstepScheduler();
  /** Requests between arrival and joining the scheduler (tokenising, reusing the prefix), and which of them were stopped meanwhile. */
  private readonly starting = new Map<string, { aborted: boolean }>();
  private readonly llamaErrors = new LlamaErrorLog();
  /** The thread cap in force (setMaxThreads); the process's own until the fleet shares the cores. */
  private maxThreads: number;

  constructor(private readonly options: EngineRuntimeOptions) {
    this.maxThreads = options.maxThreads;
  }

  /** One `getLlama` per process: it is slow (~0.5 s) and loads native code. Never builds or downloads. */
  private llama(): Promise<Llama> {
    this.llamaPromise ??= getLlama({
      ...llamaBinaryOptions(this.options.gpu),
      maxThreads: this.options.maxThreads,
      logLevel: LlamaLogLevel.error,
      logger: (level, message) => {
        this.llamaErrors.add(message.trim());
        process.stderr.write(`[llama.cpp] ${level}: ${message.trim()}\n`);
      },
      progressLogs: false,
    });
    return this.llamaPromise;
  }

  async load(request: LoadRequest, onProgress: (progress: number) => void): Promise<LoadResult> {
    if (this.scheduler.size) throw new AppError('BUSY', 'Replies are being generated; stop them before loading another model.');
    await this.unload();
    const llama = await this.llama();
    const { loaded, result } = await openModel(llama, request, {
      gpu: this.options.gpu,
      errors: this.llamaErrors,
      exclusive: (task) => this.scheduler.exclusive(task),
      onProgress,
    });
    this.loaded = loaded;
    return result;
  }

  /** Ends every running reply (stop reason `abort`), waits for the generation loop, then frees the model. */
  async unload(): Promise<boolean> {
    const loaded = this.loaded;
    if (!loaded) return false;
    this.loaded = undefined;
    this.abortAll();
    await this.scheduler.idle();
    await loaded.embedder.dispose();
    await loaded.ranker.dispose();
    await loaded.context.dispose();
    await loaded.model.dispose();
    return true;
  }

  abort(requestId: string): boolean {
    const starting = this.starting.get(requestId);
    if (starting) {
      // Not in the scheduler yet: it will start already stopped.
      starting.aborted = true;
      return true;
    }
    const generation = this.scheduler.has(requestId);
    generation?.abort();
    return generation !== undefined;
  }

  /**
   * Caps the threads every context of this process may use from its next decode on (node-llama-cpp
   * splits `maxThreads` among its contexts); never above the cap the process started with.
   */
  async setMaxThreads(max: number): Promise<number> {
    const llama = await this.llama();
    llama.maxThreads = Math.max(1, Math.min(Math.floor(max), this.options.maxThreads));
    this.maxThreads = llama.maxThreads;
    return llama.maxThreads;
  }

  /** What llama.cpp sees: the backend of this build, its GPUs and their memory. */
  async hardware(): Promise<LlamaHardwareView> {
    const llama = await this.llama();
    const [vram, gpuNames] = await Promise.all([llama.getVramState(), llama.getGpuDeviceNames()]);
    return {
      backend: llama.gpu === false ? 'cpu' : llama.gpu,
      gpuNames,
      vram: { totalBytes: vram.total, usedBytes: vram.used, freeBytes: vram.free },
      unifiedBytes: vram.unifiedSize,
      cpuMathCores: llama.cpuMathCores,
      binary: binaryKind(llama.buildType),
    };
  }

  status(): EngineStatusResult {
    return {
      residentModels: this.loaded ? 1 : 0,
      activeGenerations: this.scheduler.size,
      parallel: this.loaded?.pool.slots.length ?? 0,
      rssBytes: process.memoryUsage().rss,
      // maxRSS is in KiB on every platform Node supports.
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? null,
      maxThreads: this.maxThreads,
      ggmlThreadpool: ggmlThreadpoolStatus(),
    };
  }

  /** Streams a chat reply on a free sequence, decoded together with every other running reply. */
  async generate(request: GenerateRequest, sink: GenerationSink): Promise<GenerateResult> {
    const startedAt = performance.now();
    const loaded = this.loaded;
    if (!loaded) throw new AppError('MODEL_NOT_LOADED', 'No model is loaded. Load a model first.');
    if (this.scheduler.has(request.requestId) || this.starting.has(request.requestId)) {
      throw new AppError('BAD_REQUEST', `Request "${request.requestId}" is already running.`);
    }
    const starting = { aborted: false };
    this.starting.set(request.requestId, starting);
    try {
      return await this.startGeneration(request, loaded, starting, startedAt, sink);
    } finally {
      this.starting.delete(request.requestId);
    }
  }

  private async startGeneration(
    request: GenerateRequest,
    loaded: Loaded,
    starting: { aborted: boolean },
    startedAt: number,
    sink: GenerationSink,
  ): Promise<GenerateResult> {
    const { model, chatWrapper, contextSize } = loaded;
    const { tokens: promptTokens, stopTokens, toolFormat } = renderPrompt(request, model, chatWrapper, loaded.pool.replies);
    ensurePromptFits(request, promptTokens.length, contextSize);
    const structured = await loaded.grammars.get(request.responseFormat);
    let tools: GenerationInput['tools'];
    if (toolFormat && request.tools) {
      const driver = new ToolCallDriver(model, toolFormat, request.tools, loaded.toolGrammars, (index, id, name, delta) => sink.onToolCall?.(index, id, name, delta));
      tools = { driver, grammar: await driver.start() };
    }
    const slot = loaded.pool.acquire(promptTokens);
    if (!slot) throw new AppError('BUSY', `All ${loaded.pool.slots.length} sequences are generating.`);
    try {
      const cachedTokens = await reusePrefix(slot.sequence, promptTokens);
      if (this.loaded !== loaded) throw new AppError('MODEL_NOT_LOADED', 'The model was unloaded.');
      const generation = new Generation({
        requestId: request.requestId,
        model,
        slot,
        promptTokens,
        cachedTokens,
        stopTokens,
        params: request.params,
        structured,
        room: contextSize - promptTokens.length,
        logprobs: request.logprobs,
        tools,
        startedAt,
        sink,
      });
      if (starting.aborted) generation.abort();
      this.starting.delete(request.requestId);
      this.scheduler.add(generation);
      return await generation.result;
    } finally {
      loaded.pool.release(slot);
    }
  }

  /**
   * Embedding vectors from the loaded model, each text evaluated alone between two lockstep rounds
   * (see embeddings.ts for why it is serialised with generation).
   */
  async embed(request: EmbedRequest): Promise<EmbedResult> {
    const loaded = this.loaded;
    if (!loaded) throw new AppError('MODEL_NOT_LOADED', 'No model is loaded. Load a model first.');
    return loaded.embedder.embed(request.texts);
  }

  /** Relevance scores from the loaded reranking model, one document at a time between lockstep rounds (see ranking.ts). */
  async rank(request: RankRequest): Promise<RankResult> {
    const loaded = this.loaded;
    if (!loaded) throw new AppError('MODEL_NOT_LOADED', 'No model is loaded. Load a model first.');
    return loaded.ranker.rank(request.query, request.documents);
  }

  /** Every running reply ends at its next step (unload, shutdown). */
  abortAll(): void {
    this.scheduler.abortAll();
  }

  async dispose(): Promise<void> {
    await this.unload();
    const llama = await this.llamaPromise?.catch(() => undefined);
    await llama?.dispose();
  }
}
