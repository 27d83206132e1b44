import { describe, expect, it } from 'vitest';
import type { FitEstimate, FitLabel } from '../../../shared/hardwareDto';
import { safetyMargin } from './fitBudget';
import { estimateFit, type FitHardware, type FitInput } from './fitEstimate';
import { HARDWARE_PROFILES, type HardwareProfileName } from './testing/hardwareProfiles';
import { buildFileInfo, MODEL_SHAPES, QUANT_MIXES, type ModelShapeName, type QuantMix } from './testing/modelShapes';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const PROFILES = Object.keys(HARDWARE_PROFILES) as HardwareProfileName[];

function fit(model: ModelShapeName, quant: QuantMix, hardware: FitHardware, options: Partial<FitInput> = {}): Promise<FitEstimate> {
  const shape = MODEL_SHAPES[model];
  return estimateFit({ fileInfo: buildFileInfo(shape, quant), hardware, contextSize: Math.min(8192, shape.contextLength), ...options });
}

describe('labels on four machines at 8192 tokens of context', () => {
  it('prints the model × quantization × machine table and holds the clear-cut cases', async () => {
    const labels = new Map<string, FitLabel>();
    const rows = [`| model | quant | ${PROFILES.join(' | ')} |`, `|---|---|${PROFILES.map(() => '---').join('|')}|`];
    for (const model of Object.keys(MODEL_SHAPES) as ModelShapeName[]) {
      for (const quant of QUANT_MIXES) {
        const cells: string[] = [];
        for (const profile of PROFILES) {
          const estimate = await fit(model, quant, HARDWARE_PROFILES[profile]);
          labels.set(`${model} ${quant} ${profile}`, estimate.label);
          cells.push(estimate.label === 'partial-gpu' ? `partial-gpu (${estimate.gpuLayers}/${estimate.totalLayers})` : estimate.label);
        }
        rows.push(`| ${model} | ${quant} | ${cells.join(' | ')} |`);
      }
    }
    console.log(rows.join('\n'));
    const label = (model: ModelShapeName, quant: QuantMix, profile: HardwareProfileName) => labels.get(`${model} ${quant} ${profile}`);

    for (const profile of ['gpu-8gb', 'gpu-24gb', 'unified-16gb'] as const) {
      expect(label('llama-3.1-8b', 'Q4_K_M', profile)).toBe('full-gpu');
      expect(label('qwen2.5-7b', 'Q4_K_M', profile)).toBe('full-gpu');
    }
    for (const profile of ['cpu-8gb', 'gpu-8gb', 'unified-16gb'] as const) expect(label('llama-3.1-70b', 'Q4_K_M', profile)).toBe('too-large');
    expect(label('llama-3.1-70b', 'Q4_K_M', 'gpu-24gb')).toBe('partial-gpu');
    for (const profile of PROFILES) expect(label('llama-3.1-70b', 'F16', profile)).toBe('too-large');
    for (const quant of QUANT_MIXES) {
      expect(label('qwen2.5-0.5b', quant, 'cpu-8gb')).toBe('cpu');
      for (const profile of ['gpu-8gb', 'gpu-24gb', 'unified-16gb'] as const) expect(label('qwen2.5-0.5b', quant, profile)).toBe('full-gpu');
    }
    // 16 GB of F16 weights are more than a discrete 8 GB card but fit beside 13 GiB of free RAM.
    expect(label('llama-3.1-8b', 'F16', 'gpu-8gb')).toBe('partial-gpu');
  });
});

describe('context length', () => {
  it('with flash attention (the default), a long context needs less memory for the same model', async () => {
    const withFa = await fit('llama-3.1-8b', 'Q4_K_M', HARDWARE_PROFILES['gpu-24gb'], { contextSize: 32768 });
    const withoutFa = await fit('llama-3.1-8b', 'Q4_K_M', HARDWARE_PROFILES['gpu-24gb'], { contextSize: 32768, flashAttention: false });
    expect(withFa.vram.computeBytes).toBeLessThan(withoutFa.vram.computeBytes);
    expect(withFa.vram.kvCacheBytes).toBe(withoutFa.vram.kvCacheBytes);
  });

  it('flips Llama 3.1 8B Q4_K_M from full to partial offload on 24 GB as the context grows to 131072 (no flash attention)', async () => {
    const short = await fit('llama-3.1-8b', 'Q4_K_M', HARDWARE_PROFILES['gpu-24gb'], { contextSize: 4096, flashAttention: false });
    const long = await fit('llama-3.1-8b', 'Q4_K_M', HARDWARE_PROFILES['gpu-24gb'], { contextSize: 131072, flashAttention: false });
    expect(short.label).toBe('full-gpu');
    expect(long.label).toBe('partial-gpu');
    // 32 layers × 131072 tokens × 8 KV heads × 128 × 2 (K and V) × 2 bytes = 17.2 GB of KV cache.
    expect(long.vram.kvCacheBytes + long.ram.kvCacheBytes).toBe(32 * 131072 * 8 * 128 * 2 * 2);
  });

  it('turns a fit into too-large on 8 GB when the context grows from 4096 to 131072', async () => {
    const short = await fit('llama-3.1-8b', 'Q4_K_M', HARDWARE_PROFILES['gpu-8gb'], { contextSize: 4096 });
    const long = await fit('llama-3.1-8b', 'Q4_K_M', HARDWARE_PROFILES['gpu-8gb'], { contextSize: 131072 });
    expect(short.label).toBe('full-gpu');
    expect(long.label).toBe('too-large');
    expect(long.reason).toMatch(/^Q4_K_M: needs [\d.]+ GB besides [\d.]+ GB in VRAM, but only [\d.]+ GB of RAM is free$/);
  });

  it('scales the KV cache with parallel sequences and shrinks it with a quantized cache type', async () => {
    const kv = (e: FitEstimate) => e.vram.kvCacheBytes + e.ram.kvCacheBytes;
    const hardware = HARDWARE_PROFILES['gpu-24gb'];
    const f16 = await fit('qwen2.5-7b', 'Q4_K_M', hardware);
    expect(kv(f16)).toBe(28 * 8192 * 4 * 128 * 2 * 2);
    expect(kv(await fit('qwen2.5-7b', 'Q4_K_M', hardware, { parallel: 2 }))).toBe(2 * kv(f16));
    // q8_0 stores 32 values in 34 bytes, q4_0 in 18 (node-llama-cpp alone would say 17× f16: see fitMemory.ts).
    expect(kv(await fit('qwen2.5-7b', 'Q4_K_M', hardware, { kvCacheType: 'q8_0' }))).toBe(kv(f16) * (34 / 64));
    expect(kv(await fit('qwen2.5-7b', 'Q4_K_M', hardware, { kvCacheType: 'q4_0' }))).toBe(kv(f16) * (18 / 64));
  });
});

describe('memory accounting', () => {
  it('splits each pool into weights, KV cache and compute, and headroom is free minus used', async () => {
    const hardware = HARDWARE_PROFILES['gpu-8gb'];
    const e = await fit('llama-3.1-8b', 'Q4_K_M', hardware);
    for (const pool of [e.vram, e.ram]) expect(pool.totalBytes).toBe(pool.weightsBytes + pool.kvCacheBytes + pool.computeBytes);
    expect(e.gpuLayers).toBe(e.totalLayers);
    expect(e.totalLayers).toBe(33); // block_count + the output layer
    // token_embd always stays in RAM: 128256 × 4096 Q4_K values at 144 bytes per 256.
    expect(e.ram.weightsBytes).toBe((128256 * 4096 * 144) / 256);
    expect(e.headroom.vramBytes).toBe(hardware.vramFreeBytes - e.vram.totalBytes);
    expect(e.headroom.ramBytes).toBe(hardware.ramFreeBytes - e.ram.totalBytes);
    expect(e.safetyMarginBytes).toBe(safetyMargin(8 * GIB));
    expect(e.reason).toMatch(/^Q4_K_M: 4\.9 GB weights \+ [\d.]+ [MG]B context fits in 8\.1 GB of free VRAM with [\d.]+ GB to spare$/);
  });

  it('counts unified memory once: GPU bytes leave RAM too, but the two free figures are not added', async () => {
    const hardware = HARDWARE_PROFILES['unified-16gb'];
    const e = await fit('llama-3.1-8b', 'Q4_K_M', hardware);
    expect(e.label).toBe('full-gpu');
    expect(e.ram.weightsBytes).toBeLessThan(e.vram.weightsBytes / 10); // only token_embd in the RAM split
    expect(e.headroom.ramBytes).toBe(hardware.ramFreeBytes - e.ram.totalBytes - e.vram.totalBytes);
    expect(e.reason).toContain('of free unified memory');
    // 16 GB of F16 weights: fits neither the GPU window nor what is left of RAM, though 10.7 + 12 GiB would hold it.
    expect((await fit('llama-3.1-8b', 'F16', hardware)).label).toBe('too-large');
  });

  it('puts mapped weights of CPU layers in RAM and uses no VRAM without a GPU', async () => {
    const e = await fit('llama-3.1-8b', 'Q4_K_M', HARDWARE_PROFILES['cpu-8gb'], { contextSize: 4096 });
    expect(e).toMatchObject({ label: 'cpu', gpuLayers: 0, vram: { totalBytes: 0 } });
    expect(e.ram.weightsBytes).toBeGreaterThan(4.9e9);
    expect(e.reason).toMatch(/^Q4_K_M: 4\.9 GB weights \+ [\d.]+ [MG]B context fits in 7\.5 GB of free RAM with [\d.]+ [MG]B to spare$/);
  });

  it("takes 'max' and a number of layers as asked and says when VRAM is short", async () => {
    const hardware = HARDWARE_PROFILES['gpu-8gb'];
    const max = await fit('llama-3.1-8b', 'F16', hardware, { gpuLayers: 'max' });
    expect(max).toMatchObject({ label: 'too-large', gpuLayers: 33, safetyMarginBytes: safetyMargin(8 * GIB) });
    expect(max.reason).toMatch(/^F16: 33 of 33 layers on the GPU need [\d.]+ GB, but only 8\.1 GB of VRAM is free$/);
    expect(await fit('llama-3.1-8b', 'Q8_0', hardware, { gpuLayers: 10 })).toMatchObject({ label: 'partial-gpu', gpuLayers: 10 });
    expect(await fit('llama-3.1-8b', 'Q4_K_M', hardware, { gpuLayers: 0 })).toMatchObject({ label: 'cpu', gpuLayers: 0 });
    expect(await fit('llama-3.1-8b', 'Q4_K_M', hardware, { gpuLayers: 500 })).toMatchObject({ label: 'full-gpu', gpuLayers: 33 });
    // A CPU-only machine offloads nothing, whatever is asked.
    expect(await fit('qwen2.5-0.5b', 'Q4_K_M', HARDWARE_PROFILES['cpu-8gb'], { gpuLayers: 'max' })).toMatchObject({ label: 'cpu', gpuLayers: 0 });
  });

  it('keeps 10 % of a pool free, at least 512 MiB and at most 2 GiB', () => {
    expect(safetyMargin(2 * GIB)).toBe(512 * MIB);
    expect(safetyMargin(8 * GIB)).toBe(Math.round(0.8 * GIB));
    expect(safetyMargin(128 * GIB)).toBe(2 * GIB);
  });
});
