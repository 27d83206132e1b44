import { describe, expect, it } from 'vitest';
import type { FitEstimate, FitLabel } from '../../../shared/dto';
import { estimateFit, recommend, type FitHardware, type RecommendCandidate } from './fitEstimate';
import { HARDWARE_PROFILES } from './testing/hardwareProfiles';
import { buildFileInfo, MODEL_SHAPES, type ModelShapeName, type QuantMix } from './testing/modelShapes';

/** Bits per weight as Hearth's library reports them (file size over parameters). */
const BITS: Record<QuantMix, number> = { Q2_K: 3.2, Q4_K_M: 4.9, Q6_K: 6.6, Q8_0: 8.5, F16: 16 };

async function candidates(model: ModelShapeName, hardware: FitHardware, group = model): Promise<RecommendCandidate[]> {
  const quants: QuantMix[] = ['Q2_K', 'Q4_K_M', 'Q6_K', 'Q8_0', 'F16'];
  return Promise.all(
    quants.map(async (quant) => ({
      modelId: `${model}-${quant}.gguf`,
      group,
      bitsPerWeight: BITS[quant],
      quantization: quant,
      estimate: await estimateFit({ fileInfo: buildFileInfo(MODEL_SHAPES[model], quant), hardware, contextSize: 8192 }),
    })),
  );
}

/** A stand-in estimate with only the label and sizes the reason reads. */
function stub(label: FitLabel): FitEstimate {
  const split = { weightsBytes: 5.3e9, kvCacheBytes: 0.6e9, computeBytes: 0.4e9, totalBytes: 6.3e9 };
  return {
    label, contextSize: 8192, gpuLayers: label === 'cpu' ? 0 : 33, totalLayers: 33, vram: split, ram: { weightsBytes: 0, kvCacheBytes: 0, computeBytes: 0, totalBytes: 0 },
    headroom: { vramBytes: 1.2e9, ramBytes: 3e9 }, safetyMarginBytes: 8.6e8, reason: '',
  };
}

describe('recommend', () => {
  it('picks the most precise file that still loads fully on the GPU (Llama 3.1 8B on 8 GB: Q4_K_M)', async () => {
    const all = await candidates('llama-3.1-8b', HARDWARE_PROFILES['gpu-8gb']);
    expect(all.map((c) => c.estimate!.label)).toEqual(['full-gpu', 'full-gpu', 'partial-gpu', 'partial-gpu', 'partial-gpu']);
    const reasons = recommend(all);
    expect([...reasons.keys()]).toEqual(['llama-3.1-8b-Q4_K_M.gguf']);
    expect(reasons.get('llama-3.1-8b-Q4_K_M.gguf')).toMatch(
      /^Q4_K_M: the most precise quantization that fits fully in GPU memory \(4\.9 GB weights \+ [\d.]+ GB context in 8\.1 GB of free VRAM, [\d.]+ GB to spare\)$/,
    );
  });

  it('takes the best label present, even if only a split load (70B on 24 GB: Q4_K_M over Q2_K)', async () => {
    const reasons = recommend(await candidates('llama-3.1-70b', HARDWARE_PROFILES['gpu-24gb']));
    expect([...reasons.keys()]).toEqual(['llama-3.1-70b-Q4_K_M.gguf']);
    expect(reasons.get('llama-3.1-70b-Q4_K_M.gguf')).toMatch(/^Q4_K_M: the most precise quantization that fits, with \d+ of 81 layers on the GPU \(/);
  });

  it('gives a group where nothing fits no entry, and keeps groups apart', async () => {
    const reasons = recommend([
      ...(await candidates('llama-3.1-70b', HARDWARE_PROFILES['cpu-8gb'])),
      ...(await candidates('qwen2.5-0.5b', HARDWARE_PROFILES['cpu-8gb'])),
    ]);
    expect([...reasons.keys()]).toEqual(['qwen2.5-0.5b-F16.gguf']);
    expect(reasons.get('qwen2.5-0.5b-F16.gguf')).toMatch(/^F16: the most precise quantization that fits in RAM \(/);
  });

  it('prefers a better label over more bits, skips unreadable files, and breaks ties by id', () => {
    const reasons = recommend([
      { modelId: 'a-q8', group: 'a', bitsPerWeight: 8.5, quantization: 'Q8_0', estimate: stub('cpu') },
      { modelId: 'a-q5', group: 'a', bitsPerWeight: 5.7, quantization: 'Q5_K_M', estimate: stub('full-gpu') },
      { modelId: 'a-q4', group: 'a', bitsPerWeight: 4.9, quantization: 'Q4_K_M', estimate: stub('full-gpu') },
      { modelId: 'a-f16', group: 'a', bitsPerWeight: 16, quantization: 'F16', estimate: null },
      { modelId: 'b-2', group: 'b', bitsPerWeight: 4.9, quantization: 'Q4_K_M', estimate: stub('partial-gpu') },
      { modelId: 'b-1', group: 'b', bitsPerWeight: 4.9, quantization: 'Q4_K_M', estimate: stub('partial-gpu') },
      { modelId: 'c', group: 'c', bitsPerWeight: 4.9, quantization: 'Q4_K_M', estimate: stub('too-large') },
    ]);
    expect([...reasons.keys()].sort()).toEqual(['a-q5', 'b-1']);
    expect(reasons.get('a-q5')).toBe(
      'Q5_K_M: the most precise quantization that fits fully in GPU memory (5.3 GB weights + 1.0 GB context in 7.5 GB of free VRAM, 1.2 GB to spare)',
    );
  });

  it('returns nothing for no candidates', () => {
    expect(recommend([]).size).toBe(0);
  });
});
