/**
 * Will this model run here, and how: GPU layers, memory per pool and purpose, and a label in
 * LM Studio's terms. Unlike a file-size check it accounts for context length, parallel sequences,
 * KV cache type and flash attention, using node-llama-cpp's own estimators (see fitMemory.ts).
 * No I/O of its own. The first call has `GgufInsights.from` load node-llama-cpp's native addon
 * without a backend (it test-loads the binary in a child process first); later calls reuse it.
 */
import { GgufInsights, type GgufFileInfo } from 'node-llama-cpp';
import type { KvCacheType } from '../../../shared/dto';
import type { FitEstimate, FitLabel } from '../../../shared/hardwareDto';
import { AppError } from '../../../shared/errors';
import { budgetOf, checkFit, vramBudget, type Budget } from './fitBudget';
import { mostLayersWithin, placeLayers, type ContextSettings, type LayerPlacement } from './fitMemory';
import { checkedFileInfo, checkInsights, quantizationName } from './fitModelInfo';
import { fitReason } from './fitReason';

import type { FitHardware } from './fitBudget';
export type { FitHardware };

export interface FitInput {
  fileInfo: GgufFileInfo;
  hardware: FitHardware;
  /** Context per sequence, in tokens (already capped to the trained length by the caller). */
  contextSize: number;
  kvCacheType?: KvCacheType;
  flashAttention?: boolean;
  /** Parallel sequences (each holds `contextSize` tokens of KV cache); default 1. */
  parallel?: number;
  /** `auto` (default): as many layers as fit; `max`: all; a number: exactly that many. */
  gpuLayers?: number | 'auto' | 'max';
}

const KV_CACHE_TYPES: readonly KvCacheType[] = ['f16', 'q8_0', 'q4_0'];

/**
 * Estimates how `input.fileInfo` would load on `input.hardware`. Throws only `AppError`s:
 * `BAD_REQUEST` for impossible settings, `MODEL_UNREADABLE` for a header that cannot be estimated
 * (no tensors, no layer count or attention shape, an architecture llama.cpp does not know).
 * With no usable GPU (none, or one reporting 0 VRAM) the estimate is for the CPU, whatever
 * `gpuLayers` asks, since llama.cpp then offloads nothing either.
 */
export async function estimateFit(input: FitInput): Promise<FitEstimate> {
  const requestedSettings = contextSettings(input);
  const requested = requestedLayers(input.gpuLayers);
  const fileInfo = checkedFileInfo(input.fileInfo);
  try {
    const insights = await GgufInsights.from(fileInfo);
    checkInsights(insights, fileInfo);
    // llama.cpp ignores flash attention for a model that cannot use it: so does the estimate.
    const settings = { ...requestedSettings, flashAttention: requestedSettings.flashAttention && insights.flashAttentionSupported };
    const budget = budgetOf(input.hardware);
    const totalLayers = insights.totalLayers;
    const cache = new Map<number, LayerPlacement>();
    const place = (layers: number): LayerPlacement => {
      let placement = cache.get(layers);
      if (!placement) cache.set(layers, (placement = placeLayers(insights, settings, layers)));
      return placement;
    };
    const placement = choosePlacement(requested, totalLayers, budget, place);
    const check = checkFit(budget, placement);
    const label = labelOf(check.vramOk && check.ramOk, placement.gpuLayers, totalLayers);
    const sized = { label, gpuLayers: placement.gpuLayers, totalLayers, vram: placement.vram, ram: placement.ram, headroom: check.headroom };
    return {
      ...sized,
      contextSize: settings.contextSize,
      safetyMarginBytes: deciding(label, check, budget),
      reason: fitReason(quantizationName(fileInfo, insights), sized, check, budget),
    };
  } catch (error) {
    if (error instanceof AppError) throw error;
    // node-llama-cpp throws plain errors for headers it cannot size (e.g. an unknown tensor type).
    const detail = error instanceof Error ? error.message : String(error);
    throw new AppError('MODEL_UNREADABLE', `Cannot estimate this model's memory: ${detail}.`);
  }
}

function contextSettings(input: FitInput): ContextSettings {
  // Flash attention on by default, as Hearth loads models (llama.cpp's own "auto" also turns it on where supported).
  const { contextSize, parallel = 1, kvCacheType = 'f16', flashAttention = true } = input;
  if (!Number.isFinite(contextSize) || contextSize < 1) throw new AppError('BAD_REQUEST', 'The context size must be at least 1 token.');
  if (!Number.isInteger(parallel) || parallel < 1) throw new AppError('BAD_REQUEST', 'Parallel sequences must be a whole number of at least 1.');
  if (!KV_CACHE_TYPES.includes(kvCacheType)) throw new AppError('BAD_REQUEST', `The KV cache type must be one of ${KV_CACHE_TYPES.join(', ')}.`);
  return {
    contextSize: Math.ceil(contextSize),
    sequences: parallel,
    // llama.cpp only quantizes the V cache with flash attention, and turns it on for that.
    flashAttention: flashAttention || kvCacheType !== 'f16',
    kvCacheType,
  };
}

function requestedLayers(gpuLayers: FitInput['gpuLayers'] = 'auto'): number | 'auto' | 'max' {
  if (gpuLayers === 'auto' || gpuLayers === 'max') return gpuLayers;
  if (typeof gpuLayers !== 'number' || !Number.isFinite(gpuLayers) || gpuLayers < 0) {
    throw new AppError('BAD_REQUEST', "GPU layers must be 'auto', 'max' or a number of layers (0 or more).");
  }
  return Math.floor(gpuLayers);
}

/**
 * `auto`: the most layers whose VRAM (weights, their KV cache and compute buffers) fits in free
 * VRAM minus the margin; the rest of the model then has to fit in RAM, and fewer GPU layers would
 * only need more of it. `max` and numbers are taken as asked (capped to the model) and checked.
 */
function choosePlacement(
  requested: number | 'auto' | 'max',
  totalLayers: number,
  budget: Budget,
  place: (layers: number) => LayerPlacement,
): LayerPlacement {
  if (!budget.gpuUsable) return place(0);
  if (requested === 'max') return place(totalLayers);
  if (requested !== 'auto') return place(Math.min(requested, totalLayers));
  return mostLayersWithin(totalLayers, vramBudget(budget), place) ?? place(0);
}

function labelOf(fits: boolean, gpuLayers: number, totalLayers: number): FitLabel {
  if (!fits) return 'too-large';
  if (gpuLayers === 0) return 'cpu';
  return gpuLayers >= totalLayers ? 'full-gpu' : 'partial-gpu';
}

/**
 * `FitEstimate.safetyMarginBytes` holds one number: the margin of the pool that decided the label
 * — the pool that ran short for `too-large`, VRAM for `full-gpu`, RAM otherwise (for
 * `partial-gpu` the layer count already filled VRAM up to its margin; RAM decides the rest).
 */
function deciding(label: FitLabel, check: ReturnType<typeof checkFit>, budget: Budget): number {
  if (label === 'full-gpu' || (label === 'too-large' && !check.vramOk)) return budget.vramMarginBytes;
  return budget.ramMarginBytes;
}

export { recommend, type RecommendCandidate, type RecommendContext, type Recommendations } from './recommend';
