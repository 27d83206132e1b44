import { freemem } from 'node:os';
import {
  getLlama,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
} from 'node-llama-cpp';
import { AppError } from '../../../shared/errors';
import type { EmbedResult } from '../../../shared/dto';
import type { LlamaHardwareView } from '../../../shared/hardwareDto';
import { binaryKind, llamaBinaryOptions } from './llamaBinary';
import { Embedder } from './embeddings';
import { Ranker, type RankResult } from './ranking';
import { Generation, type GenerationInput, type GenerationSink } from './generation';
import { ToolCallDriver } from './toolCallDriver';
import { ToolGrammars } from './toolGrammars';
import { LockstepScheduler } from './lockstepScheduler';
import { chooseParallel } from './parallelSequences';
import { releasingFailedContext } from './nodeLlamaInternals';
import { ensurePromptFits, renderPrompt } from './prompt';
import type { EmbedRequest, RankRequest, EngineStatusResult, GenerateRequest, GenerateResult, LoadRequest, LoadResult } from './protocol';
import { reusePrefix, SequencePool } from './sequencePool';
import { GrammarCache } from './structuredOutput';
import type { KvCacheType } from '../../../shared/schemas';

/** Hearth's KV cache names as ggml type names for node-llama-cpp. */
const KV_GGML_TYPES: Record<KvCacheType, 'F16' | 'Q8_0' | 'Q4_0'> = { f16: 'F16', q8_0: 'Q8_0', q4_0: 'Q4_0' };

/** How the engine reaches llama.cpp. `gpu: false` forces the CPU build. */
export interface EngineRuntimeOptions {
  gpu: 'auto' | false;
  /** Upper bound for threads across the process (node-llama-cpp's `maxThreads`). */
  maxThreads: number;
}

interface Loaded {
  model: LlamaModel;
  context: LlamaContext;
  pool: SequencePool;
  chatWrapper: ChatWrapper;
  contextSize: number;
  grammars: GrammarCache;
  toolGrammars: ToolGrammars;
  embedder: Embedder;
  ranker: Ranker;
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
  /** Last few error lines llama.cpp logged: its thrown errors are generic, the reason is only logged. */
  private readonly recentLlamaErrors: string[] = [];
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
        this.recentLlamaErrors.push(message.trim());
        if (this.recentLlamaErrors.length > 8) this.recentLlamaErrors.shift();
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
    this.recentLlamaErrors.length = 0;
    const before = await memoryNow(llama);
    const model = await llama
      .loadModel({
        modelPath: request.modelPath,
        gpuLayers: this.options.gpu === false || !llama.supportsGpuOffloading ? 0 : request.gpuLayers,
        useMmap: request.mmap ?? true,
        onLoadProgress: onProgress,
      })
      .catch(async (error: unknown) => {
        throw new AppError('MODEL_UNREADABLE', `llama.cpp could not load this model: ${await this.loadFailureReason(error)}`);
      });
    try {
      const contextSize = Math.min(request.contextSize, model.trainContextSize);
      const vram = model.gpuLayers > 0 ? await llama.getVramState() : undefined;
      const { parallel } = await chooseParallel({
        requested: request.parallel,
        estimate: async (sequences) => {
          const need = await model.fileInsights.estimateContextResourceRequirementsV2({
            contextSize,
            sequences,
            modelGpuLayers: model.gpuLayers,
          });
          return { ram: need.cpuRam, vram: need.gpuVram };
        },
        freeRamBytes: freemem(),
        freeVramBytes: vram?.free ?? 0,
      });
      const kvCacheType = request.kvCacheType ?? 'f16';
      const kvType = KV_GGML_TYPES[kvCacheType];
      const context = await releasingFailedContext(model, () =>
        model.createContext({
          contextSize,
          sequences: parallel,
          threads: request.threads,
          flashAttention: request.flashAttention,
          ...(request.batchSize !== undefined ? { batchSize: request.batchSize } : {}),
          // node-llama-cpp marks these experimental; f16 is llama.cpp's own default, so only a quantized choice is passed.
          ...(kvCacheType !== 'f16' ? { experimentalKvCacheKeyType: kvType, experimentalKvCacheValueType: kvType } : {}),
        }),
      ).catch(async (error: unknown) => {
        // Settings this model cannot take (e.g. a q8_0 cache on 16-wide heads) or too little memory: say which.
        throw new AppError('ENGINE_ERROR', `llama.cpp could not create the context with these settings: ${await this.loadFailureReason(error)}`);
      });
      const sequences = Array.from({ length: parallel }, () => context.getSequence());
      this.loaded = {
        model,
        context,
        pool: new SequencePool(sequences),
        chatWrapper: resolveChatWrapper(model),
        contextSize,
        grammars: new GrammarCache(llama),
        toolGrammars: new ToolGrammars(llama),
        embedder: new Embedder(model, { contextSize, threads: request.threads, exclusive: (task) => this.scheduler.exclusive(task) }),
        ranker: new Ranker(model, { contextSize, threads: request.threads, exclusive: (task) => this.scheduler.exclusive(task) }),
      };
      // One decode touches every weight page and the compute buffers, so the measurement is what
      // running costs (memory-mapped weights count only once read), and the first reply starts warm.
      await warmUp(model, sequences[0]!);
      const after = await memoryNow(llama);
      return {
        name: model.fileInfo.metadata.general?.name ?? model.filename ?? 'model',
        settings: {
          contextSize,
          threads: context.currentThreads,
          parallel,
          gpuLayers: model.gpuLayers,
          flashAttention: request.flashAttention,
          kvCacheType,
          batchSize: context.batchSize,
          mmap: model.useMmap,
        },
        modelBytes: model.size,
        trainContextSize: model.trainContextSize,
        measured: { ramBytes: Math.max(0, after.ram - before.ram), vramBytes: Math.max(0, after.vram - before.vram) },
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

/**
 * Memory in use now: this process's resident set (weights are memory-mapped, so their pages count
 * once touched, as loading does) and llama.cpp's used VRAM, in bytes.
 */
async function memoryNow(llama: Llama): Promise<{ ram: number; vram: number }> {
  const vram = llama.gpu === false ? 0 : (await llama.getVramState()).used;
  return { ram: process.memoryUsage().rss, vram };
}

async function warmUp(model: LlamaModel, sequence: LlamaContextSequence): Promise<void> {
  const token = model.tokens.bos ?? model.tokenize(' ')[0];
  if (token === undefined) return;
  await sequence.evaluateWithoutGeneratingNewTokens([token]);
  await sequence.eraseContextTokenRanges([{ start: 0, end: sequence.nextTokenIndex }]);
}
