/**
 * The `bench` engine operation: one thread count of a machine benchmark, measured the way
 * llama.cpp's `llama-bench` defines its tests, so the numbers can be checked against it.
 *
 * * pp (prompt processing): `promptTokens` random tokens (BOS first when the model adds one)
 *   evaluated from an empty cache; tok/s = promptTokens / time. The context's batch is 512
 *   tokens, llama-bench's default micro-batch.
 * * tg (text generation): from an empty cache, `genTokens` tokens decoded one at a time, each
 *   the greedy pick of the previous step, end-of-text ignored; tok/s = genTokens / time.
 * * Before them, one warm-up (a short prompt and one generated token), as llama-bench does, so the
 *   first thread count does not pay for reading the weights from disk.
 *
 * It runs only in a dedicated engine process (BenchService starts one), never in the one holding
 * the user's model: it has its own `Llama`, without the thread cap the app's engine is started
 * with, because it must try every thread count. The model stays loaded between calls for the
 * same file, so a sweep loads it once; the host ends the process when the sweep is done.
 */
import { getLlama, LlamaLogLevel, type Llama, type LlamaContextSequence, type LlamaModel, type Token } from 'node-llama-cpp';
import type { BenchThreadRun } from '../../../shared/benchDto';
import { AppError } from '../../../shared/errors';
import { llamaBinaryOptions } from './llamaBinary';
import { releasingFailedContext } from './nodeLlamaInternals';

export interface BenchRequest {
  op: 'bench';
  modelPath: string;
  /** Ignored on the CPU; `auto` lets llama.cpp decide what fits. */
  gpuLayers: number | 'auto' | 'max';
  flashAttention: boolean;
  threads: number;
  promptTokens: number;
  genTokens: number;
  repetitions: number;
}

export interface BenchOpResult {
  run: BenchThreadRun;
  /** Set by the call that loaded the model (the first of a sweep). */
  load?: {
    loadMs: number;
    /** Growth of this process's RSS and of used VRAM over load, context and warm-up, bytes. */
    ramBytes: number;
    vramBytes: number;
    gpuLayers: number;
    totalLayers: number;
    backend: 'cuda' | 'vulkan' | 'metal' | 'cpu';
    gpuNames: string[];
  };
  peakRssBytes: number;
}

/** llama-bench's default micro-batch (n_ubatch): a longer prompt is evaluated in batches of this size. */
const BENCH_BATCH = 512;
const WARMUP_PROMPT_TOKENS = 32;

export class BenchRunner {
  private llamaPromise: Promise<Llama> | undefined;
  private loaded: { path: string; gpuLayers: BenchRequest['gpuLayers']; model: LlamaModel } | undefined;

  constructor(private readonly options: { gpu: 'auto' | false }) {}

  private llama(): Promise<Llama> {
    // maxThreads 0: no cap, the sweep decides the threads of each context itself.
    this.llamaPromise ??= getLlama({ ...llamaBinaryOptions(this.options.gpu), maxThreads: 0, logLevel: LlamaLogLevel.error, progressLogs: false });
    return this.llamaPromise;
  }

  async run(request: BenchRequest): Promise<BenchOpResult> {
    const llama = await this.llama();
    let load: BenchOpResult['load'];
    let memoryBefore: { ram: number; vram: number } | undefined;
    const started = performance.now();
    if (!this.loaded || this.loaded.path !== request.modelPath || this.loaded.gpuLayers !== request.gpuLayers) {
      await this.dispose();
      memoryBefore = await memoryNow(llama);
      const model = await llama
        .loadModel({ modelPath: request.modelPath, gpuLayers: llama.gpu === false || !llama.supportsGpuOffloading ? 0 : request.gpuLayers, useMmap: true })
        .catch((error: unknown) => {
          throw new AppError('MODEL_UNREADABLE', `llama.cpp could not load this model for the benchmark: ${error instanceof Error ? error.message : String(error)}`);
        });
      this.loaded = { path: request.modelPath, gpuLayers: request.gpuLayers, model };
    }
    const model = this.loaded.model;
    const context = await releasingFailedContext(model, () =>
      model.createContext({
        // The longest test plus the BOS token; llama-bench sizes its context the same way (n_prompt + n_gen).
        contextSize: Math.max(256, request.promptTokens + request.genTokens + 8),
        sequences: 1,
        threads: request.threads,
        batchSize: Math.min(BENCH_BATCH, request.promptTokens),
        flashAttention: request.flashAttention && model.flashAttentionSupported,
      }),
    );
    try {
      const sequence = context.getSequence();
      const tokens = new RandomTokens(model);
      await warmUp(sequence, tokens, request.promptTokens);
      if (memoryBefore) {
        const after = await memoryNow(llama);
        const gpuNames = await llama.getGpuDeviceNames();
        load = {
          loadMs: Math.round(performance.now() - started),
          ramBytes: Math.max(0, after.ram - memoryBefore.ram),
          vramBytes: Math.max(0, after.vram - memoryBefore.vram),
          gpuLayers: model.gpuLayers,
          totalLayers: model.fileInsights.totalLayers,
          backend: llama.gpu === false ? 'cpu' : llama.gpu,
          gpuNames: model.gpuLayers > 0 ? gpuNames : [],
        };
      }
      const pp: number[] = [];
      const tg: number[] = [];
      for (let repetition = 0; repetition < request.repetitions; repetition++) {
        pp.push(request.promptTokens / (await timePrompt(sequence, tokens.prompt(request.promptTokens))));
        tg.push(request.genTokens / (await timeGeneration(sequence, tokens.first(), request.genTokens)));
      }
      const ttftSeconds = await timeToFirstToken(sequence, tokens.prompt(request.promptTokens));
      return {
        run: {
          threads: context.idealThreads,
          ppTokensPerSecond: round(mean(pp)),
          tgTokensPerSecond: round(mean(tg)),
          ppStdDev: round(stdDev(pp)),
          tgStdDev: round(stdDev(tg)),
          timeToFirstTokenMs: round(ttftSeconds * 1000),
        },
        ...(load ? { load } : {}),
        // maxRSS is in KiB on every platform Node supports.
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
      };
    } finally {
      await context.dispose();
    }
  }

  async dispose(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    await loaded?.model.dispose();
  }
}

/** Seeded random token ids of the model's vocabulary, like llama-bench's `std::rand() % n_vocab`. */
class RandomTokens {
  private state = 0x9e3779b9;
  private readonly vocabulary: number;
  private readonly bos: Token | null;

  constructor(model: LlamaModel) {
    const embeddings = model.fileInfo.fullTensorInfo?.find((tensor) => tensor.name === 'token_embd.weight');
    const rows = embeddings && embeddings.dimensions.length >= 2 ? Number(embeddings.dimensions[1]) : 0;
    this.vocabulary = rows > 0 ? rows : (model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 256);
    this.bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
  }

  /** The first token of a test: BOS when the model adds one, else a random one (as llama-bench). */
  first(): Token {
    return this.bos ?? this.next();
  }

  prompt(length: number): Token[] {
    const tokens = [this.first()];
    while (tokens.length < length) tokens.push(this.next());
    return tokens;
  }

  private next(): Token {
    // mulberry32: a fixed sequence, so every run evaluates the same kind of input.
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % this.vocabulary) as Token;
  }
}

async function warmUp(sequence: LlamaContextSequence, tokens: RandomTokens, promptTokens: number): Promise<void> {
  await sequence.evaluateWithoutGeneratingNewTokens(tokens.prompt(Math.min(WARMUP_PROMPT_TOKENS, promptTokens)));
  await sequence.clearHistory();
  await timeGeneration(sequence, tokens.first(), 1);
}

/** Seconds to evaluate `prompt` from an empty cache. */
async function timePrompt(sequence: LlamaContextSequence, prompt: Token[]): Promise<number> {
  await sequence.clearHistory();
  const started = performance.now();
  await sequence.evaluateWithoutGeneratingNewTokens(prompt);
  return (performance.now() - started) / 1000;
}

/** Seconds to decode `count` tokens one at a time from an empty cache, starting with `first`. */
async function timeGeneration(sequence: LlamaContextSequence, first: Token, count: number): Promise<number> {
  await sequence.clearHistory();
  const started = performance.now();
  // Greedy; end-of-text does not stop it (llama-bench decodes a fixed count whatever comes).
  const iterator = sequence.evaluate([first], { temperature: 0, yieldEogToken: true });
  try {
    for (let produced = 0; produced < count; produced++) {
      const next = await iterator.next();
      if (next.done) throw new AppError('ENGINE_ERROR', 'Generation ended early during the benchmark.');
    }
  } finally {
    await iterator.return();
  }
  return (performance.now() - started) / 1000;
}

/** Seconds from a `prompt` on an empty cache to its first generated token (what a chat waits for). */
async function timeToFirstToken(sequence: LlamaContextSequence, prompt: Token[]): Promise<number> {
  await sequence.clearHistory();
  const started = performance.now();
  const iterator = sequence.evaluate(prompt, { temperature: 0, yieldEogToken: true });
  try {
    await iterator.next();
  } finally {
    await iterator.return();
  }
  return (performance.now() - started) / 1000;
}

async function memoryNow(llama: Llama): Promise<{ ram: number; vram: number }> {
  const vram = llama.gpu === false ? 0 : (await llama.getVramState()).used;
  return { ram: process.memoryUsage().rss, vram };
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function stdDev(values: number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
