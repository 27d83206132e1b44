import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../../shared/benchDto';
import { buildFileInfo, MODEL_SHAPES, weightBytes } from '../hardware/testing/modelShapes';
import { priorQuality, withMeasurements } from '../hub/quantQuality';
import { bytesPerToken } from './bytesPerToken';
import { bandwidthOf, DEFAULT_CPU_BANDWIDTH, machineProfile, predictTokensPerSecond } from './machineProfile';

describe('priorQuality', () => {
  it('gives the cited LLaMA 3 8B figures by quantization type, aliases included', () => {
    const q4 = priorQuality({ quantization: 'Q4_K_M', bitsPerWeight: 4.9 })!;
    expect(q4.percent).toBeCloseTo(2.816, 2); // ΔPPL 0.175482 over 6.231636
    expect(q4).toMatchObject({ source: 'prior', kldMean: 0.031273 });
    expect(q4.basis).toMatch(/tools\/perplexity\/README\.md/);
    expect(priorQuality({ quantization: 'q4_k', bitsPerWeight: 4.9 })).toEqual(q4);
    expect(priorQuality({ quantization: 'MOSTLY_Q4_0', bitsPerWeight: 4.5 })!.percent).toBeCloseTo(7.52, 1);
    expect(priorQuality({ quantization: 'F16', bitsPerWeight: 16 })!.percent).toBe(0);
  });

  it('uses the Qwen2.5-0.5B case study for small models, and estimates unknown types by bits per weight', () => {
    expect(priorQuality({ quantization: 'Q2_K', bitsPerWeight: 3.2, parameterCount: 0.5e9 })).toMatchObject({ percent: 10.4, kldMean: 0.112 });
    expect(priorQuality({ quantization: 'Q2_K', bitsPerWeight: 3.2, parameterCount: 8e9 })!.percent).toBeCloseTo(56.5, 0);
    const unknown = priorQuality({ quantization: 'TQ2_0', bitsPerWeight: 5 })!;
    expect(unknown.source).toBe('estimated');
    expect(unknown.percent).toBeGreaterThan(priorQuality({ quantization: 'Q6_K', bitsPerWeight: 6.6 })!.percent);
    expect(unknown.percent).toBeLessThan(priorQuality({ quantization: 'Q3_K_M', bitsPerWeight: 3.9 })!.percent);
    expect(priorQuality({ quantization: 'weird', bitsPerWeight: 0 })).toBeNull();
  });

  it('lets measurements (the lab) replace the prior file by file', () => {
    const lookup = withMeasurements((q) => (q.fileKey === 'a.gguf' ? { percent: 1.2, source: 'measured', basis: 'lab' } : null));
    expect(lookup({ quantization: 'Q4_K_M', bitsPerWeight: 4.9, fileKey: 'a.gguf' })).toMatchObject({ percent: 1.2, source: 'measured' });
    expect(lookup({ quantization: 'Q4_K_M', bitsPerWeight: 4.9, fileKey: 'b.gguf' })!.source).toBe('prior');
  });
});

describe('bytes per token and bandwidth', () => {
  it('counts every weight except an untied embedding matrix', () => {
    const untied = buildFileInfo(MODEL_SHAPES['llama-3.1-8b'], 'Q8_0');
    const embedding = untied.fullTensorInfo!.find((t) => t.name === 'token_embd.weight')!;
    expect(bytesPerToken(untied)).toBeLessThan(weightBytes(untied));
    expect(weightBytes(untied) - bytesPerToken(untied)).toBeGreaterThan(Number(embedding.dimensions[0]) * Number(embedding.dimensions[1]));
    const tied = buildFileInfo({ ...MODEL_SHAPES['qwen2.5-0.5b'], outputWeight: false }, 'F16');
    expect(bytesPerToken(tied)).toBe(weightBytes(tied));
  });

  const result = (over: Partial<BenchResult>): BenchResult => ({
    modelId: 'm', modelName: 'm', quantization: 'Q4_0', sizeBytes: 1e9, bytesPerToken: 1e9, ranAt: '2026-01-01T00:00:00.000Z', backend: 'cpu', gpuNames: [],
    gpuLayers: 0, totalLayers: 10, promptTokens: 512, genTokens: 128, repetitions: 1, loadMs: 1, memory: { ramBytes: 0, vramBytes: 0, peakRssBytes: 0 },
    runs: [{ threads: 1, ppTokensPerSecond: 50, tgTokensPerSecond: 10, ppStdDev: 0, tgStdDev: 0, timeToFirstTokenMs: 1 }, { threads: 2, ppTokensPerSecond: 90, tgTokensPerSecond: 20, ppStdDev: 0, tgStdDev: 0, timeToFirstTokenMs: 1 }],
    bestThreads: 2, bandwidth: {}, ...over,
  });

  it('derives CPU, GPU and split bandwidth from the best run', () => {
    expect(bandwidthOf(result({}))).toEqual({ cpuBytesPerSecond: 20e9 });
    expect(bandwidthOf(result({ gpuLayers: 10 }))).toEqual({ gpuBytesPerSecond: 20e9 });
    // Half the layers on the GPU at 20 tok/s, with a 15 GB/s CPU: 1/20 − 0.5/15 s = 1/60 s for 0.5 GB.
    expect(bandwidthOf(result({ gpuLayers: 5 }), 15e9).gpuBytesPerSecond).toBeCloseTo(30e9, -6);
    expect(bandwidthOf(result({ gpuLayers: 5 }))).toEqual({});
  });

  it('profiles from the largest model benchmarked, defaults otherwise, and predicts speed from it', () => {
    const small = result({ modelId: 'small', bytesPerToken: 1e8, bandwidth: { cpuBytesPerSecond: 5e9 } });
    const large = result({ modelId: 'large', bytesPerToken: 1e9, bandwidth: { cpuBytesPerSecond: 20e9 } });
    const profile = machineProfile('k', [small, large], null);
    expect(profile.cpu).toMatchObject({ bytesPerSecond: 20e9, source: 'measured', modelId: 'large' });
    expect(profile.gpu).toBeNull();
    expect(machineProfile('k', [], ['GPU 0'])).toMatchObject({ cpu: { bytesPerSecond: DEFAULT_CPU_BANDWIDTH, source: 'default' }, gpu: { source: 'default', devices: ['GPU 0'] } });
    expect(predictTokensPerSecond(profile, 1e9, 0)).toBeCloseTo(20, 6);
    expect(predictTokensPerSecond(profile, 2e9, 0)).toBeCloseTo(10, 6);
  });
});
