/**
 * Memory a model takes for one choice of GPU layers, from node-llama-cpp's own estimators
 * (`GgufInsights`), split by pool (VRAM / RAM) and by purpose (weights / KV cache / compute).
 *
 * We call the synchronous (V1) estimators on purpose: the V2 variants first try to *simulate*
 * the load with the native addon, which needs the file on disk and, on the slim backend-less
 * `Llama` that `GgufInsights.from` falls back to, cannot place anything on a GPU. V1 is plain
 * arithmetic over the header, so the same header gives the same answer on any machine.
 */
import { GgmlType, type GgufInsights } from 'node-llama-cpp';
import type { KvCacheType } from '../../../shared/dto';
import type { MemorySplit } from '../../../shared/hardwareDto';

/** What a context is created with; the KV cache and compute buffers depend on all of it. */
export interface ContextSettings {
  /** Tokens per sequence. */
  contextSize: number;
  /** Parallel sequences, each with its own `contextSize` tokens of KV cache. */
  sequences: number;
  flashAttention: boolean;
  kvCacheType: KvCacheType;
}

/** Where the memory goes with `gpuLayers` layers offloaded, in bytes. */
export interface LayerPlacement {
  gpuLayers: number;
  vram: MemorySplit;
  ram: MemorySplit;
}

/**
 * Bytes per cached element for each KV cache type: ggml's block size over elements per block.
 * q8_0 = 32 int8 + one f16 scale per 32 values; q4_0 = 16 bytes of nibbles + one f16 scale.
 */
const KV_BYTES_PER_ELEMENT: Record<KvCacheType, number> = { f16: 2, q8_0: 34 / 32, q4_0: 18 / 32 };

/**
 * node-llama-cpp 3.22.1 multiplies KV *elements* by the *block* size of the cache type, so a q8_0
 * cache comes out 32× too big (withcatai/node-llama-cpp PR #608). Its estimate is linear in the
 * element size and nothing else depends on the type, so we ask it twice with unblocked types
 * (f16 = 2 B, f32 = 4 B): the difference over 2 is the element count, the rest is compute.
 */
const F16_BYTES = 2;
const F32_BYTES = 4;

/** Memory of the model and its context with exactly `gpuLayers` layers on the GPU. */
export function placeLayers(insights: GgufInsights, settings: ContextSettings, gpuLayers: number): LayerPlacement {
  // Sizes without mmap: mapped weights still occupy RAM once they are read, and the plain sum of
  // tensor sizes does not depend on how the file happens to order its tensors.
  // V1 (marked deprecated) on purpose: see the file comment.
  const weights = insights.estimateModelResourceRequirements({ gpuLayers, useMmap: false });
  const ask = (type: GgmlType) =>
    insights.estimateContextResourceRequirements({
      contextSize: settings.contextSize,
      modelGpuLayers: gpuLayers,
      sequences: settings.sequences,
      flashAttention: settings.flashAttention,
      kvCacheKeyType: type,
      kvCacheValueType: type,
      includeGraphOverhead: true,
    });
  const atF16 = ask(GgmlType.F16);
  const atF32 = ask(GgmlType.F32);
  const perElement = KV_BYTES_PER_ELEMENT[settings.kvCacheType];
  const split = (weightsBytes: number, f16Bytes: number, f32Bytes: number): MemorySplit => {
    const elements = Math.max(0, (f32Bytes - f16Bytes) / (F32_BYTES - F16_BYTES));
    const kvCacheBytes = Math.round(elements * perElement);
    const computeBytes = Math.max(0, Math.round(f16Bytes - elements * F16_BYTES));
    return { weightsBytes, kvCacheBytes, computeBytes, totalBytes: weightsBytes + kvCacheBytes + computeBytes };
  };
  return {
    gpuLayers,
    vram: split(weights.gpuVram, atF16.gpuVram, atF32.gpuVram),
    ram: split(weights.cpuRam, atF16.cpuRam, atF32.cpuRam),
  };
}

/**
 * The most layers whose VRAM share stays within `budgetBytes`, and their placement; null when not
 * even one layer fits. Full offload is tried first because node-llama-cpp's estimate is not
 * monotone there (it models a smaller compute buffer for some architectures when every layer is on
 * the GPU); below that, VRAM grows with each layer, so a binary search finds the edge.
 */
export function mostLayersWithin(
  totalLayers: number,
  budgetBytes: number,
  place: (gpuLayers: number) => LayerPlacement,
): LayerPlacement | null {
  const full = place(totalLayers);
  if (full.vram.totalBytes <= budgetBytes) return full;
  let best: LayerPlacement | null = null;
  let low = 1;
  let high = totalLayers - 1;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const candidate = place(middle);
    if (candidate.vram.totalBytes <= budgetBytes) {
      best = candidate;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}
