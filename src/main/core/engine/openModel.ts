import { freemem } from 'node:os';
import { resolveChatWrapper, type ChatWrapper, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaModel } from 'node-llama-cpp';
import { AppError } from '../../../shared/errors';
import type { KvCacheType } from '../../../shared/schemas';
import { Embedder } from './embeddings';
import { releasingFailedContext } from './nodeLlamaInternals';
import { chooseParallel } from './parallelSequences';
import type { LoadRequest, LoadResult } from './protocol';
import { Ranker } from './ranking';
import { SequencePool } from './sequencePool';
import type { Exclusive } from './sideContext';
import { GrammarCache } from './structuredOutput';
import { ToolGrammars } from './toolGrammars';

/** Hearth's KV cache names as ggml type names for node-llama-cpp. */
const KV_GGML_TYPES: Record<KvCacheType, 'F16' | 'Q8_0' | 'Q4_0'> = { f16: 'F16', q8_0: 'Q8_0', q4_0: 'Q4_0' };

/** A model open in the engine: its one context, the sequences replies borrow, and what replies use with it. */
export interface Loaded {
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

/** The last few error lines llama.cpp logged: its thrown errors are generic, the reason is only logged. */
export class LlamaErrorLog {
  private readonly lines: string[] = [];

  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 8) this.lines.shift();
  }

  clear(): void {
    this.lines.length = 0;
  }

  /** The most specific reason llama.cpp gave for a failed load (e.g. "tensor ... data is not within the file bounds"). */
  async reasonFor(error: unknown): Promise<string> {
    const marker = 'error loading model: ';
    // llama.cpp's log lines reach JavaScript asynchronously, often just after the rejection.
    for (let waited = 0; waited < 200 && !this.lines.some((l) => l.includes(marker)); waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const detailed = this.lines.find((line) => line.includes(marker));
    if (detailed) return detailed.slice(detailed.indexOf(marker) + marker.length);
    return this.lines.at(-1) ?? (error instanceof Error ? error.message : String(error));
  }
}

export interface OpenModelOptions {
  gpu: 'auto' | false;
  errors: LlamaErrorLog;
  /** Runs a side context's work (embeddings, ranking) between two lockstep rounds. */
  exclusive: Exclusive;
  onProgress: (progress: number) => void;
}

/**
 * Loads `request`'s model with its context and sequences, warms it up and measures what it costs.
 * On any failure the model is freed again and the error says llama.cpp's reason.
 */
export async function openModel(llama: Llama, request: LoadRequest, options: OpenModelOptions): Promise<{ loaded: Loaded; result: LoadResult }> {
  options.errors.clear();
  const before = await memoryNow(llama);
  const model = await llama
    .loadModel({
      modelPath: request.modelPath,
      gpuLayers: options.gpu === false || !llama.supportsGpuOffloading ? 0 : request.gpuLayers,
      useMmap: request.mmap ?? true,
      onLoadProgress: options.onProgress,
    })
    .catch(async (error: unknown) => {
      throw new AppError('MODEL_UNREADABLE', `llama.cpp could not load this model: ${await options.errors.reasonFor(error)}`);
    });
  try {
    const contextSize = Math.min(request.contextSize, model.trainContextSize);
    const vram = model.gpuLayers > 0 ? await llama.getVramState() : undefined;
    const { parallel } = await chooseParallel({
      requested: request.parallel,
      estimate: async (sequences) => {
        const need = await model.fileInsights.estimateContextResourceRequirementsV2({ contextSize, sequences, modelGpuLayers: model.gpuLayers });
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
      throw new AppError('ENGINE_ERROR', `llama.cpp could not create the context with these settings: ${await options.errors.reasonFor(error)}`);
    });
    const sequences = Array.from({ length: parallel }, () => context.getSequence());
    const side = { contextSize, threads: request.threads, exclusive: options.exclusive };
    const loaded: Loaded = {
      model,
      context,
      pool: new SequencePool(sequences),
      chatWrapper: resolveChatWrapper(model),
      contextSize,
      grammars: new GrammarCache(llama),
      toolGrammars: new ToolGrammars(llama),
      embedder: new Embedder(model, side),
      ranker: new Ranker(model, side),
    };
    // One decode touches every weight page and the compute buffers, so the measurement is what
    // running costs (memory-mapped weights count only once read), and the first reply starts warm.
    await warmUp(model, sequences[0]!);
    const after = await memoryNow(llama);
    const result: LoadResult = {
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
    return { loaded, result };
  } catch (error) {
    await model.dispose();
    throw error;
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
