import type { ChatArgs, ChatResult, CompletionArgs, EmbedArgs, EmbedResult, InferenceState, LoadedModel, LoadOptions, ModelInfo } from '../../../shared/dto';
import type { FitEstimate } from '../../../shared/hardwareDto';
import { AppError } from '../../../shared/errors';
import type { LoadSpec } from '../engine/modelLoad';
import type { GenerationCaller } from '../engine/replyCall';
import type { Fleet } from '../fleet/fleet';
import type { FleetLease } from '../fleet/fleetMember';
import type { ResidencyPolicy } from '../fleet/residency';
import { MAX_AUTO_PARALLEL, MEMORY_SHARE } from '../engine/parallelSequences';
import type { FitService } from '../hardware/fitService';
import type { LoadMemoryLog } from '../hardware/loadMemoryLog';
import type { LibraryService } from '../library/libraryService';
import type { Logger } from '../logging/logger';
import type { RankArgs, RankResult } from '../engine/ranking';
import type { RememberedLoads } from '../settings/rememberedLoads';

/**
 * Contexts tried, largest first, when the caller does not choose one: the first that fits wins.
 * Never node-llama-cpp's unbounded "auto", which fills all free memory (its issue #435).
 */
export const CONTEXT_CANDIDATES = [8192, 4096, 2048, 1024, 512] as const;

export interface InferenceServiceOptions {
  fleet: Fleet;
  library: LibraryService;
  fit: FitService;
  /** Where each load's predicted vs measured memory is kept. */
  loadMemory?: LoadMemoryLog;
  logger: Logger;
  /** Generation threads when a load does not say. */
  defaultThreads: number;
  /** The thread count the machine benchmark measured fastest for a model, if it was benchmarked (beats `defaultThreads`). */
  tunedThreads?: (modelId: string) => Promise<number | undefined>;
  /** Load settings the user chose per model: used for what a load does not give, saved by a load with `remember`. */
  rememberedLoads?: RememberedLoads;
}

/**
 * The `inference.*` methods: resolves model ids to files and settings to defaults (the load plan),
 * then asks the {@link Fleet}, which decides what is resident and runs each model's engine.
 */
export class InferenceService {
  constructor(private readonly options: InferenceServiceOptions) {}

  getState(): InferenceState {
    return this.options.fleet.getState();
  }

  /** A load the user asked for: pinned (stays until unloaded); replaces idle models when memory is short. */
  async loadModel(args: LoadOptions): Promise<LoadedModel> {
    // The file is looked up when this load's turn comes, so concurrent loads keep their call order.
    const loaded = await this.options.fleet.load(args.modelId, () => this.plan(args), { pin: true });
    if (args.remember) await this.options.rememberedLoads?.save(args.modelId, args);
    await this.options.loadMemory?.record(loaded);
    return loaded;
  }

  /**
   * Holds `args.modelId` for one request, loading it on demand (unpinned, with `args`' settings or
   * the plan's defaults) when it is not resident. See {@link Fleet.acquire}.
   */
  async acquire(args: LoadOptions, policy: Omit<ResidencyPolicy, 'pin'>): Promise<FleetLease> {
    const lease = await this.options.fleet.acquire(args.modelId, () => this.plan(args), { ...policy, pin: false });
    return lease;
  }

  /** Holds `model` for one request if it is resident; MODEL_NOT_LOADED otherwise (it is never loaded here). */
  holdResident(model: Pick<ModelInfo, 'id' | 'fileName'>): Promise<FleetLease> {
    const notLoaded = () => Promise.reject(new AppError('MODEL_NOT_LOADED', `${model.fileName} is not loaded. Load it first.`));
    return this.options.fleet.acquire(model.id, notLoaded, { pin: false });
  }

  private async plan(args: LoadOptions): Promise<LoadSpec> {
    const model = await this.options.library.getModel(args.modelId);
    // Settings the user chose for this model before fill in what this load does not say.
    return this.planLoad(model, { ...(await this.options.rememberedLoads?.get(args.modelId)), ...args });
  }

  /**
   * Load-time configuration from the fit estimate: the context (the caller's, else the largest
   * candidate that fits) and the GPU layers that fit. A choice that will not fit is refused with
   * WONT_FIT and the reason, unless `force`.
   */
  private async planLoad(model: ModelInfo, args: LoadOptions): Promise<LoadSpec> {
    const trained = model.metadata?.trainedContextLength || CONTEXT_CANDIDATES[0];
    if (model.metadata?.trainedContextLength && args.contextSize !== undefined && args.contextSize > trained) {
      // Never loaded silently at the trained length instead: the user would think they had the larger context.
      throw new AppError('BAD_REQUEST', `${model.fileName} was trained for a context of ${trained} tokens; ${args.contextSize} is more than it can use. Choose ${trained} or less.`);
    }
    const kvCacheType = args.kvCacheType ?? 'f16';
    // llama.cpp needs flash attention for a quantized V cache: on unless the caller turned it off.
    const flashAttention = args.flashAttention ?? true;
    if (kvCacheType !== 'f16' && !flashAttention) {
      throw new AppError('BAD_REQUEST', `A ${kvCacheType} KV cache needs flash attention: turn flash attention on or use f16.`);
    }
    const estimateAt = (contextSize: number, parallel: number) =>
      this.options.fit.estimateForLoad(model, { contextSize, parallel, gpuLayers: args.gpuLayers ?? 'auto', flashAttention, kvCacheType });
    let contextSize = Math.min(args.contextSize ?? CONTEXT_CANDIDATES[0], trained);
    let parallel: number | 'auto' = args.parallel ?? 'auto';
    let estimate: FitEstimate | undefined;
    try {
      estimate = await estimateAt(contextSize, typeof parallel === 'number' ? parallel : 1);
      if (args.contextSize === undefined) {
        for (const candidate of CONTEXT_CANDIDATES) {
          if (estimate.label !== 'too-large' || candidate >= contextSize) continue;
          contextSize = Math.min(candidate, trained);
          estimate = await estimateAt(contextSize, typeof parallel === 'number' ? parallel : 1);
        }
      }
      if (parallel === 'auto') ({ parallel, estimate } = await this.chooseParallel(estimate, (n) => estimateAt(contextSize, n)));
    } catch (error) {
      // No estimate (e.g. an architecture the estimator does not know): load as asked, without a check.
      this.options.logger.warn('no fit estimate for this load', { modelId: model.id, error: error instanceof Error ? error.message : String(error) });
    }
    if (estimate?.label === 'too-large' && !args.force) {
      throw new AppError('WONT_FIT', `${model.fileName} will not fit: ${estimate.reason}. Choose a smaller quantization or context, or load anyway.`);
    }
    return {
      modelId: model.id,
      modelPath: model.path,
      contextSize,
      threads: args.threads ?? (await this.options.tunedThreads?.(model.id)) ?? this.options.defaultThreads,
      parallel,
      gpuLayers: args.gpuLayers ?? estimate?.gpuLayers ?? 'auto',
      flashAttention,
      kvCacheType,
      mmap: args.mmap ?? true,
      ...(args.force ? { force: true } : {}),
      ...(args.batchSize !== undefined ? { batchSize: args.batchSize } : {}),
      ...(estimate ? { predicted: { ramBytes: estimate.ram.totalBytes, vramBytes: estimate.vram.totalBytes } } : {}),
    };
  }

  /**
   * Parallel sequences by memory: the most (of 4, 2) that keep the same fit label and whose KV
   * caches together take at most a quarter of the free memory they live in; else 1.
   */
  private async chooseParallel(single: FitEstimate, estimate: (parallel: number) => Promise<FitEstimate>): Promise<{ parallel: number; estimate: FitEstimate }> {
    for (const parallel of [MAX_AUTO_PARALLEL, 2]) {
      const candidate = await estimate(parallel);
      // Each pool on its own (on unified memory adding them would count the same memory twice).
      const fitsIn = (kv: number, used: number, headroom: number) => kv === 0 || kv <= (used + headroom) * MEMORY_SHARE;
      const { vram, ram, headroom } = candidate;
      if (candidate.label === single.label && fitsIn(vram.kvCacheBytes, vram.totalBytes, headroom.vramBytes) && fitsIn(ram.kvCacheBytes, ram.totalBytes, headroom.ramBytes)) {
        return { parallel, estimate: candidate };
      }
    }
    return { parallel: 1, estimate: single };
  }

  /** Unloads one model, or every one. */
  unloadModel(args: { modelId?: string | undefined } = {}): Promise<{ unloaded: boolean }> {
    return this.options.fleet.unload(args.modelId);
  }

  chat(args: ChatArgs, caller: GenerationCaller): Promise<ChatResult> {
    return this.options.fleet.generate(args, caller);
  }

  /** A raw completion: `prompt` without a chat template (the API server's `/v1/completions`). */
  complete(args: CompletionArgs, caller: GenerationCaller): Promise<ChatResult> {
    return this.options.fleet.generate(args, caller);
  }

  /** Unit-length embedding vectors of `texts` from a resident model. */
  embed(args: EmbedArgs, signal?: AbortSignal): Promise<EmbedResult> {
    return this.options.fleet.embed(args, signal);
  }

  /** Relevance scores of `documents` against `query` from a resident reranking model. */
  rank(args: RankArgs, signal?: AbortSignal): Promise<RankResult> {
    return this.options.fleet.rank(args, signal);
  }

  async stop(args: { requestId: string }): Promise<{ stopped: boolean }> {
    return { stopped: await this.options.fleet.stop(args.requestId) };
  }
}
