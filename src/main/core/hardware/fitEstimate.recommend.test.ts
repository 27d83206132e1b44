import { describe, expect, it } from 'vitest';
import type { FitEstimate, FitLabel } from '../../../shared/hardwareDto';
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
  const none = { weightsBytes: 0, kvCacheBytes: 0, computeBytes: 0, totalBytes: 0 };
  const onCpu = label === 'cpu';
  return {
    label, contextSize: 8192, gpuLayers: onCpu ? 0 : 33, totalLayers: 33, vram: onCpu ? none : split, ram: onCpu ? split : none,
    headroom: { vramBytes: 1.2e9, ramBytes: 3e9 }, safetyMarginBytes: 8.6e8, reason: '',
  };
}

describe('recommend', () => {
  it('Balanced keeps the file that loads fully on the GPU over the more precise ones that would spill (Llama 3.1 8B on 8 GB: Q4_K_M)', async () => {
    const all = await candidates('llama-3.1-8b', HARDWARE_PROFILES['gpu-8gb']);
    expect(all.map((c) => c.estimate!.label)).toEqual(['full-gpu', 'full-gpu', 'partial-gpu', 'partial-gpu', 'partial-gpu']);
    const { reasons } = recommend(all);
    expect([...reasons.keys()]).toEqual(['llama-3.1-8b-Q4_K_M.gguf']);
    expect(reasons.get('llama-3.1-8b-Q4_K_M.gguf')).toMatch(
      /^Q4_K_M — fits in VRAM \([\d.]+ GB of 8\.1 GB free\), about \d+ tok\/s \(estimated; benchmark this machine to measure\), about 3 % quality loss vs F16$/,
    );
  });

  it('a split load when nothing fits fully, and not Q2_K for its speed (70B on 24 GB: Q4_K_M)', async () => {
    const { reasons } = recommend(await candidates('llama-3.1-70b', HARDWARE_PROFILES['gpu-24gb']));
    expect([...reasons.keys()]).toEqual(['llama-3.1-70b-Q4_K_M.gguf']);
    expect(reasons.get('llama-3.1-70b-Q4_K_M.gguf')).toMatch(/^Q4_K_M — fits with \d+ of 81 layers on the GPU \([\d.]+ GB VRAM \+ [\d.]+ GB RAM\), about [\d.]+ tok\/s /);
  });

  it('gives a group where nothing fits no entry, and keeps groups apart', async () => {
    const { reasons } = recommend([
      ...(await candidates('llama-3.1-70b', HARDWARE_PROFILES['cpu-8gb'])),
      ...(await candidates('qwen2.5-0.5b', HARDWARE_PROFILES['cpu-8gb'])),
    ]);
    // Balanced: on the CPU, F16's 2.5× the bytes per token is not worth its ~3 % less perplexity loss.
    expect([...reasons.keys()]).toEqual(['qwen2.5-0.5b-Q4_K_M.gguf']);
    expect(reasons.get('qwen2.5-0.5b-Q4_K_M.gguf')).toMatch(/^Q4_K_M — fits in RAM \(/);
  });

  it('prefers the GPU over more bits (its speed), skips unreadable files, and breaks ties by id', () => {
    const { reasons } = recommend([
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
      // 200 GB/s (the default GPU figure) ÷ 5.3 GB; Q5_K_M's +0.91 % on LLaMA 3 8B.
      'Q5_K_M — fits in VRAM (6.3 GB of 7.5 GB free), about 38 tok/s (estimated; benchmark this machine to measure), about 0.9 % quality loss vs F16',
    );
  });

  it('returns nothing for no candidates', () => {
    expect(recommend([]).reasons.size).toBe(0);
  });
});
