import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardwareSnapshot } from '../../../shared/hardwareDto';
import { conversationOf } from '../../testing/fillContext';
import { fixtureModel } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import type { Core } from '../createCore';
import { FitService } from '../hardware/fitService';
import { silentLogger } from '../logging/logger';
import { InferenceService } from './inferenceService';

// Load-time configuration from the fit estimate, on a real engine: what is loaded is what fits.
let core: Core;
let cleanup: () => Promise<void>;
const MODEL_ID = 'hearth-test/SmolLM2-135M-GGUF/smollm2-135m-q4_0.gguf';

beforeAll(async () => {
  const test = await createTestCore();
  core = test.core;
  cleanup = test.cleanup;
  await mkdir(join(test.modelsDir, 'hearth-test/SmolLM2-135M-GGUF'), { recursive: true });
  await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' }), join(test.modelsDir, MODEL_ID));
}, 120_000);
afterAll(() => cleanup());

/** A machine with `ramFreeBytes` free and no GPU, as the hardware service would describe it. */
function machine(ramFreeBytes: number): HardwareSnapshot {
  return {
    takenAt: new Date().toISOString(),
    cpu: { model: 'test', physicalCores: 2, logicalCores: 2, simd: [] },
    ram: { totalBytes: 2 * ramFreeBytes, freeBytes: ramFreeBytes, swapTotalBytes: 0, swapFreeBytes: 0 },
    gpus: [],
    os: { platform: 'linux', distro: 'test', release: '1', arch: 'x64' },
    llama: { backend: 'cpu', gpuNames: [], vram: { totalBytes: 0, usedBytes: 0, freeBytes: 0 }, unifiedBytes: 0, cpuMathCores: 2, binary: 'prebuilt' },
    notes: [],
    errors: [],
  };
}

function inferenceOn(snapshot: HardwareSnapshot): InferenceService {
  const fit = new FitService({ library: core.library, hardware: { getSnapshot: async () => snapshot }, logger: silentLogger });
  return new InferenceService({ fleet: core.fleet, library: core.library, fit, logger: silentLogger, defaultThreads: 1 });
}

describe('load-time configuration', () => {
  it('refuses a model that will not fit with the reason, and loads it when forced', async () => {
    const small = inferenceOn(machine(300 * 1024 * 1024));
    await expect(small.loadModel({ modelId: MODEL_ID, contextSize: 8192 })).rejects.toMatchObject({
      code: 'WONT_FIT',
      message: expect.stringMatching(/will not fit: .*RAM/),
    });
    expect(core.fleet.getState().loaded).toBeNull();
    const forced = await small.loadModel({ modelId: MODEL_ID, contextSize: 8192, force: true, parallel: 1 });
    expect(forced.settings.contextSize).toBe(8192);
  });

  it('without a context, picks the largest that fits, and one sequence when memory is tight', async () => {
    // A machine where 4096 tokens fit and 8192 do not, measured with the estimator itself.
    const model = await core.library.getModel(MODEL_ID);
    const probe = new FitService({ library: core.library, hardware: { getSnapshot: async () => machine(64 * 1024 ** 3) }, logger: silentLogger });
    const need = async (contextSize: number) => {
      const estimate = await probe.estimateForLoad(model, { contextSize, parallel: 1 });
      return estimate.ram.totalBytes;
    };
    const [need4k, need8k] = [await need(4096), await need(8192)];
    const margin = 512 * 1024 * 1024;
    const tight = inferenceOn(machine(margin + (need4k + need8k) / 2));
    const loaded = await tight.loadModel({ modelId: MODEL_ID });
    expect(loaded.settings).toMatchObject({ contextSize: 4096, parallel: 1 });
    const roomy = inferenceOn(machine(16 * 1024 ** 3));
    const big = await roomy.loadModel({ modelId: MODEL_ID });
    expect(big.settings).toMatchObject({ contextSize: 8192, parallel: 4, gpuLayers: 0 });
    expect(big.memory?.predicted.ramBytes).toBeGreaterThan(0);
  });

  it('checks the estimate against the real load: resident and peak memory close to the prediction', async () => {
    // A fresh engine process: the peak RSS of the earlier, bigger loads must not count.
    core.fleet.engineOf().kill();
    await expect.poll(() => core.fleet.getState().engine.state).toBe('crashed');
    await core.fleet.hardwareView();
    const before = await core.fleet.engineStatus();
    const loaded = await core.inference.loadModel({ modelId: MODEL_ID, contextSize: 2048, parallel: 1 });
    const memory = loaded.memory!;
    expect(memory.measured.ramBytes).toBeGreaterThan(0);
    expect(memory.measured.ramBytes).toBeLessThan(memory.predicted.ramBytes * 1.25);
    // Fill the context: every KV cell and the attention buffers are touched, the case the estimate is for.
    await core.fleet.generate(
      { requestId: 'fill', messages: conversationOf(1_800), params: { maxTokens: 2, temperature: 0 } },
      { signal: new AbortController().signal, emit: () => {} },
    );
    const peak = (await core.fleet.engineStatus()).peakRssBytes - before.rssBytes;
    const error = (peak - memory.predicted.ramBytes) / memory.predicted.ramBytes;
    // Loose bound for CI; the bench (bench/fitCheck.ts) prints the exact error per quantization.
    expect(Math.abs(error)).toBeLessThan(0.4);
    const records = await core.loadMemory.read();
    expect(records.at(-1)).toMatchObject({ modelId: MODEL_ID, contextSize: 2048 });
  });
});
