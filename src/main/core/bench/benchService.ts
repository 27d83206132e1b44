/**
 * The machine benchmark (`bench.run`, `hearth bench`): pp and tg tok/s, time to first token, load
 * time and memory of one model for each thread count, in an engine process of its own so the
 * user's loaded model is never unloaded or disturbed. It keeps the result per model and machine
 * (BenchStore), which gives loads their default thread count (the auto-tune) and the machine
 * profile its bandwidth.
 */
import type { BenchOverview, BenchProgress, BenchResult, BenchThreadRun, MachineProfile } from '../../../shared/benchDto';
import { DEFAULT_BENCH_GEN_TOKENS, DEFAULT_BENCH_PROMPT_TOKENS, DEFAULT_BENCH_REPETITIONS, type BenchRunArgs } from '../../../shared/benchSchemas';
import { AppError } from '../../../shared/errors';
import type { BenchOpResult } from '../engine/benchOp';
import { EngineClient } from '../engine/engineClient';
import type { EngineLauncher } from '../engine/engineProcess';
import { physicalCores } from '../engine/threads';
import type { LibraryService } from '../library/libraryService';
import type { Logger } from '../logging/logger';
import { bytesPerToken } from './bytesPerToken';
import type { BenchStore } from './benchStore';
import { bandwidthOf, machineProfile } from './machineProfile';
import type { GgufFileInfo } from 'node-llama-cpp';
import type { ModelInfo } from '../../../shared/dto';

export interface BenchServiceOptions {
  store: BenchStore;
  machineKey: string;
  library: Pick<LibraryService, 'getModel'>;
  /** The model's parsed header (FitService caches them). */
  header: (model: ModelInfo) => Promise<GgufFileInfo>;
  /** Starts an engine process; core's launcher, so the benchmark runs on the same build as chats. */
  launchEngine: EngineLauncher;
  /** True while replies are generating or queued: a benchmark then would slow them and be wrong itself. */
  engineBusy: () => boolean;
  /** GPU devices llama.cpp sees (null or empty: CPU only). */
  llamaGpus: () => Promise<string[] | null>;
  logger: Logger;
  /** Thread counts when the caller gives none (default 1 to the physical cores). */
  cores?: number;
}

export class BenchService {
  private running: string | undefined;

  constructor(private readonly options: BenchServiceOptions) {}

  /** Benchmarks `args.modelId` for each thread count and keeps the result; `onProgress` hears each step. */
  async run(args: BenchRunArgs, onProgress: (progress: BenchProgress) => void = () => {}, signal?: AbortSignal): Promise<BenchResult> {
    if (this.running) throw new AppError('BUSY', `A benchmark of ${this.running} is running; wait for it to finish.`);
    if (this.options.engineBusy()) throw new AppError('BUSY', 'Replies are being generated; a benchmark now would slow them and measure the wrong thing. Try again when they are done.');
    this.running = args.modelId;
    try {
      return await this.sweep(args, onProgress, signal);
    } finally {
      this.running = undefined;
    }
  }

  private async sweep(args: BenchRunArgs, onProgress: (progress: BenchProgress) => void, signal: AbortSignal | undefined): Promise<BenchResult> {
    const model = await this.options.library.getModel(args.modelId);
    if (model.status !== 'ok' || !model.metadata) throw new AppError('MODEL_UNREADABLE', `${model.fileName} cannot be read: ${model.error ?? 'unknown reason'}.`);
    const header = await this.options.header(model);
    const cores = this.options.cores ?? physicalCores();
    const threads = args.threads ?? Array.from({ length: cores }, (_, i) => i + 1);
    const promptTokens = args.promptTokens ?? DEFAULT_BENCH_PROMPT_TOKENS;
    const genTokens = args.genTokens ?? DEFAULT_BENCH_GEN_TOKENS;
    const repetitions = args.repetitions ?? DEFAULT_BENCH_REPETITIONS;
    const client = new EngineClient({ launch: this.options.launchEngine, logger: this.options.logger, onStatus: () => {}, onLoadProgress: () => {} });
    const cancel = () => void client.dispose('The benchmark was cancelled.');
    signal?.addEventListener('abort', cancel, { once: true });
    const runs: BenchThreadRun[] = [];
    let load: BenchOpResult['load'];
    let peakRssBytes = 0;
    const started = performance.now();
    try {
      onProgress({ type: 'loading' });
      for (const [index, count] of threads.entries()) {
        signal?.throwIfAborted();
        const elapsed = (performance.now() - started) / 1000;
        const etaSeconds = index > 0 ? Math.round((elapsed / index) * (threads.length - index)) : undefined;
        onProgress({ type: 'measuring', threads: count, done: index, total: threads.length, ...(etaSeconds !== undefined ? { etaSeconds } : {}) });
        const result = await client.call({
          op: 'bench',
          modelPath: model.path,
          // What fits in the free VRAM now (the CPU build, `HEARTH_GPU=off`, offloads nothing).
          gpuLayers: 'auto',
          flashAttention: true,
          threads: count,
          promptTokens,
          genTokens,
          repetitions,
        });
        load ??= result.load;
        peakRssBytes = Math.max(peakRssBytes, result.peakRssBytes);
        runs.push(result.run);
        onProgress({ type: 'run', run: result.run, done: index + 1, total: threads.length });
      }
    } catch (error) {
      if (signal?.aborted) throw new AppError('BAD_REQUEST', 'The benchmark was cancelled.');
      throw error;
    } finally {
      signal?.removeEventListener('abort', cancel);
      await client.dispose('The benchmark finished.');
    }
    if (!load) throw new AppError('ENGINE_ERROR', 'The benchmark did not report its load.');
    const best = runs.reduce((a, b) => (b.tgTokensPerSecond > a.tgTokensPerSecond ? b : a));
    const result: BenchResult = {
      modelId: model.id,
      modelName: model.metadata.name,
      quantization: model.metadata.quantization,
      sizeBytes: model.sizeBytes,
      bytesPerToken: bytesPerToken(header, model.sizeBytes),
      ranAt: new Date().toISOString(),
      backend: load.backend,
      gpuNames: load.gpuNames,
      gpuLayers: load.gpuLayers,
      totalLayers: load.totalLayers,
      promptTokens,
      genTokens,
      repetitions,
      loadMs: load.loadMs,
      memory: { ramBytes: load.ramBytes, vramBytes: load.vramBytes, peakRssBytes },
      runs,
      bestThreads: best.threads,
      bandwidth: {},
    };
    const cpuKnown = (await this.profile()).cpu;
    result.bandwidth = bandwidthOf(result, cpuKnown.source === 'measured' ? cpuKnown.bytesPerSecond : undefined);
    await this.options.store.save(result);
    this.options.logger.info('benchmark done', { modelId: model.id, bestThreads: result.bestThreads, tg: best.tgTokensPerSecond, pp: best.ppTokensPerSecond });
    return result;
  }

  /** The thread count loads of `modelId` use by default: the benchmark's fastest, if it was benchmarked here. */
  tunedThreads(modelId: string): Promise<number | undefined> {
    return this.options.store.tunedThreads(modelId);
  }

  async profile(): Promise<MachineProfile> {
    const [results, gpus] = await Promise.all([this.options.store.results(), this.options.llamaGpus().catch(() => null)]);
    return machineProfile(this.options.machineKey, results, gpus);
  }

  async overview(): Promise<BenchOverview> {
    const results = await this.options.store.results();
    return {
      machine: await this.profile(),
      results,
      tunedThreads: Object.fromEntries(results.map((result) => [result.modelId, result.bestThreads])),
    };
  }
}
