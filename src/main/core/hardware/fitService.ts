import { stat } from 'node:fs/promises';
import { readGgufFileInfo, type GgufFileInfo } from 'node-llama-cpp';
import type { FitArgs, ModelInfo } from '../../../shared/dto';
import type { FitEstimate, HardwareSnapshot, ModelFit } from '../../../shared/hardwareDto';
import { AppError } from '../../../shared/errors';
import type { LibraryService } from '../library/libraryService';
import type { Logger } from '../logging/logger';
import { bytesPerToken } from '../bench/bytesPerToken';
import { estimateFit, recommend, type FitHardware, type FitInput, type RecommendContext } from './fitEstimate';
import type { HardwareService } from './hardwareService';

/** Context the badges are computed for when the caller does not say (capped by each model's trained length). */
export const DEFAULT_FIT_CONTEXT = 8192;
/** Headers parsed with node-llama-cpp at once: each holds a model's metadata in memory. */
const PARSE_CONCURRENCY = 2;

interface CachedInfo {
  sizeBytes: number;
  mtimeMs: number;
  info: Promise<GgufFileInfo>;
}

/**
 * Fit estimates of local models: reads each file's full header with node-llama-cpp (only files
 * Hearth's own bounded reader already found sound, so its reader meets no hostile lengths), takes
 * the hardware snapshot, and asks the pure estimator. Parsed headers are cached by size and mtime.
 */
export class FitService {
  private readonly infos = new Map<string, CachedInfo>();

  constructor(
    private readonly options: {
      library: LibraryService;
      hardware: Pick<HardwareService, 'getSnapshot'>;
      logger: Logger;
      /** Most RAM a model may plan to use, in bytes; the machine's when absent. */
      memoryLimitBytes?: number | undefined;
      /** Memory the loaded model would give back if another were loaded, in bytes. */
      /**
       * Memory the resident models hold (counted against the machine and the memory limit) and what
       * a new load may take back from them (idle models it may replace), in bytes.
       */
      residents?: () => { held: { ramBytes: number; vramBytes: number }; reclaimable: { ramBytes: number; vramBytes: number } };
      /** Machine profile, preference and quality source the recommendation weighs; defaults when absent. */
      recommendContext?: () => Promise<Partial<RecommendContext>>;
    },
  ) {}

  /** Fit of every readable local model, and the Recommended file of each model. */
  async estimateFits(args: FitArgs): Promise<ModelFit[]> {
    const models = (await this.options.library.listModels()).filter((m) => m.status === 'ok' && m.metadata);
    const hardware = await this.fitHardware();
    const fits: { fit: ModelFit; bytesPerToken?: number }[] = [];
    for (let i = 0; i < models.length; i += PARSE_CONCURRENCY) {
      const batch = models.slice(i, i + PARSE_CONCURRENCY);
      fits.push(...(await Promise.all(batch.map((model) => this.fitOf(model, hardware, args)))));
    }
    const { reasons, tradeoffs } = recommend(
      fits.map(({ fit, bytesPerToken }, i) => ({
        modelId: fit.modelId,
        group: groupOf(models[i]!),
        bitsPerWeight: fit.bitsPerWeight,
        quantization: models[i]!.metadata!.quantization,
        estimate: fit.estimate,
        parameterCount: models[i]!.metadata!.parameterCount,
        fileKey: fit.modelId,
        ...(bytesPerToken !== undefined ? { bytesPerToken } : {}),
      })),
      (await this.options.recommendContext?.()) ?? {},
    );
    return fits.map(({ fit }) => {
      const tradeoff = tradeoffs.get(fit.modelId);
      const recommendation = reasons.get(fit.modelId);
      const withTradeoff = tradeoff ? { ...fit, tradeoff } : fit;
      return recommendation ? { ...withTradeoff, recommended: true, recommendation } : withTradeoff;
    });
  }

  /** The estimate for loading `model` with these settings (load-time configuration). */
  async estimateForLoad(model: ModelInfo, settings: Omit<FitInput, 'fileInfo' | 'hardware'>): Promise<FitEstimate> {
    // Whether it can fit at all (every resident model unloaded): which ones must go is the fleet's decision.
    const hardware = await this.fitHardware({ reclaim: 'all' });
    return estimateFit({ ...settings, fileInfo: await this.fileInfo(model), hardware });
  }

  /** This machine as the estimator sees it now: llama.cpp's memory view, the memory limit, the resident models (idle ones a load may replace counted as free). */
  /**
   * `reclaim`: which resident models count as free — `idle` (default: what a load the user asks for
   * may replace now; fit labels), `all` (whether a model can ever fit here; the load plan), `none`
   * (memory as it is; the fleet's admission, which then evicts explicitly).
   */
  async fitHardware(options: { reclaim?: 'idle' | 'all' | 'none' } = {}): Promise<FitHardware> {
    const residents = this.options.residents?.();
    const none = { ramBytes: 0, vramBytes: 0 };
    const held = residents?.held ?? none;
    const reclaim = options.reclaim ?? 'idle';
    return toFitHardware(await this.options.hardware.getSnapshot(), {
      memoryLimitBytes: this.options.memoryLimitBytes,
      held,
      reclaimable: reclaim === 'none' ? none : reclaim === 'all' ? held : (residents?.reclaimable ?? none),
    });
  }

  private async fitOf(model: ModelInfo, hardware: FitHardware, args: FitArgs): Promise<{ fit: ModelFit; bytesPerToken?: number }> {
    const trained = model.metadata!.trainedContextLength || DEFAULT_FIT_CONTEXT;
    const bitsPerWeight = model.metadata!.parameterCount > 0 ? Math.round(((model.sizeBytes * 8) / model.metadata!.parameterCount) * 100) / 100 : 0;
    try {
      const fileInfo = await this.fileInfo(model);
      const estimate = await estimateFit({
        fileInfo,
        hardware,
        contextSize: Math.min(args.contextSize ?? DEFAULT_FIT_CONTEXT, trained),
        kvCacheType: args.kvCacheType,
        flashAttention: args.flashAttention,
      });
      return { fit: { modelId: model.id, estimate, recommended: false, bitsPerWeight }, bytesPerToken: bytesPerToken(fileInfo, model.sizeBytes) };
    } catch (error) {
      const message = error instanceof AppError ? error.message : 'the estimate failed (see the log)';
      if (!(error instanceof AppError)) this.options.logger.error('fit estimate failed', { modelId: model.id, error: String(error) });
      return { fit: { modelId: model.id, estimate: null, error: message, recommended: false, bitsPerWeight } };
    }
  }

  /** A model's parsed header (cached by size and modification time), e.g. for its bytes per token. */
  headerOf(model: ModelInfo): Promise<GgufFileInfo> {
    return this.fileInfo(model);
  }

  private async fileInfo(model: ModelInfo): Promise<GgufFileInfo> {
    const info = await stat(model.path);
    const cached = this.infos.get(model.path);
    if (cached && cached.sizeBytes === info.size && cached.mtimeMs === info.mtimeMs) return cached.info;
    // The vocabulary is by far the largest part of a header and no estimate needs it.
    const parsed = readGgufFileInfo(model.path, {
      sourceType: 'filesystem',
      readTensorInfo: true,
      logWarnings: false,
      ignoreKeys: ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'],
    });
    this.infos.set(model.path, { sizeBytes: info.size, mtimeMs: info.mtimeMs, info: parsed });
    parsed.catch(() => this.infos.delete(model.path));
    return parsed;
  }
}

/** Files of one model: the same publisher/repo folder (LM Studio layout), else the same model name. */
function groupOf(model: ModelInfo): string {
  if (model.publisher && model.repo) return `${model.publisher}/${model.repo}`;
  return `name:${model.metadata?.name ?? model.fileName}`;
}

/**
 * Decisions use llama.cpp's view of memory (the OS view only when the engine could not be asked),
 * plus what the loaded model would give back, within the user's memory limit.
 */
export function toFitHardware(
  snapshot: HardwareSnapshot,
  adjust: {
    memoryLimitBytes?: number | undefined;
    /** What Hearth's resident models hold: within the memory limit it is not free, whatever the OS says (mapped weights count as reclaimable cache there). */
    held?: { ramBytes: number; vramBytes: number };
    reclaimable: { ramBytes: number; vramBytes: number };
  } = { reclaimable: { ramBytes: 0, vramBytes: 0 } },
): FitHardware {
  const llama = snapshot.llama;
  const gpu = llama !== null && llama.backend !== 'cpu' && llama.vram.totalBytes > 0;
  const limit = adjust.memoryLimitBytes ?? Number.POSITIVE_INFINITY;
  const vramTotal = gpu ? llama.vram.totalBytes : 0;
  return {
    gpu,
    vramTotalBytes: vramTotal,
    vramFreeBytes: gpu ? Math.min(vramTotal, llama.vram.freeBytes + adjust.reclaimable.vramBytes) : 0,
    unifiedBytes: gpu ? llama.unifiedBytes : 0,
    ramTotalBytes: Math.min(snapshot.ram.totalBytes, limit),
    ramFreeBytes: Math.max(
      0,
      Math.min(
        snapshot.ram.totalBytes,
        Math.min(snapshot.ram.totalBytes, limit) - (adjust.held?.ramBytes ?? 0) + adjust.reclaimable.ramBytes,
        snapshot.ram.freeBytes + adjust.reclaimable.ramBytes,
      ),
    ),
  };
}
