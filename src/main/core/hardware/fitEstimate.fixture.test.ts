import { stat } from 'node:fs/promises';
import { readGgufFileInfo, type GgufFileInfo } from 'node-llama-cpp';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel } from '../../testing/fixtureModels';
import { estimateFit } from './fitEstimate';
import { HARDWARE_PROFILES } from './testing/hardwareProfiles';

/** The keys FitService skips when parsing headers: the vocabulary is most of a header's bytes. */
const TOKENIZER_KEYS = ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'];

describe('estimateFit on a real GGUF file (generated SmolLM2-135M shape, Q4_0)', () => {
  let path: string;
  let full: GgufFileInfo;
  let slim: GgufFileInfo;

  beforeAll(async () => {
    path = await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' });
    full = await readGgufFileInfo(path, { logWarnings: false });
    slim = await readGgufFileInfo(path, { logWarnings: false, ignoreKeys: TOKENIZER_KEYS });
  });

  it('gives sane numbers: weights about the file size, the exact KV cache, a label per machine', async () => {
    const fileBytes = (await stat(path)).size;
    const cpu = await estimateFit({ fileInfo: full, hardware: HARDWARE_PROFILES['cpu-8gb'], contextSize: 8192 });
    const gpu = await estimateFit({ fileInfo: full, hardware: HARDWARE_PROFILES['gpu-8gb'], contextSize: 8192 });
    console.log('fixture estimates', JSON.stringify({ fileBytes, cpu, gpu }, null, 1));

    expect(cpu).toMatchObject({ label: 'cpu', gpuLayers: 0, totalLayers: 31, contextSize: 8192 });
    expect(gpu).toMatchObject({ label: 'full-gpu', gpuLayers: 31 });
    // Weights are the file minus its header (vocabulary, metadata): a little under its size.
    expect(cpu.ram.weightsBytes).toBeLessThanOrEqual(fileBytes);
    expect(cpu.ram.weightsBytes).toBeGreaterThan(fileBytes * 0.9);
    // 30 layers × 8192 tokens × 3 KV heads × 64 × 2 (K and V) × 2 bytes.
    expect(cpu.ram.kvCacheBytes).toBe(30 * 8192 * 3 * 64 * 2 * 2);
    expect(cpu.ram.computeBytes).toBeGreaterThan(0);
    expect(cpu.ram.computeBytes).toBeLessThan(1e9);
    expect(cpu.reason).toMatch(/^Q4_0: [\d.]+ MB weights \+ [\d.]+ MB context fits in 7\.5 GB of free RAM with [\d.]+ GB to spare$/);
  });

  it('gives the same estimate when the tokenizer keys are not read', async () => {
    expect(slim.metadata.tokenizer?.ggml?.tokens).toBeUndefined();
    for (const profile of ['cpu-8gb', 'gpu-8gb', 'unified-16gb'] as const) {
      for (const kvCacheType of ['f16', 'q8_0'] as const) {
        const settings = { hardware: HARDWARE_PROFILES[profile], contextSize: 8192, kvCacheType };
        expect(await estimateFit({ fileInfo: slim, ...settings })).toEqual(await estimateFit({ fileInfo: full, ...settings }));
      }
    }
  });
});
