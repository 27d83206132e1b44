import { GgufInsights, type GgufFileInfo } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { estimateFit, type FitHardware, type FitInput } from './fitEstimate';
import { HARDWARE_PROFILES } from './testing/hardwareProfiles';
import { buildFileInfo, MODEL_SHAPES, type ModelShape } from './testing/modelShapes';

const GIB = 1024 ** 3;

/** A header's fields as plain data, to break on purpose. */
interface Loose {
  metadata: { general: Record<string, unknown>; tokenizer?: unknown };
  architectureMetadata: Record<string, unknown> & { attention: Record<string, unknown> };
  fullTensorInfo?: Array<{ ggmlType: number }>;
  tensorInfo?: unknown[];
}

/** Qwen2.5-0.5B Q4_K_M with `change` applied (architectureMetadata is the same object as metadata.qwen2). */
function header(change: (info: Loose) => void = () => {}, shape: ModelShape = MODEL_SHAPES['qwen2.5-0.5b']): GgufFileInfo {
  const info = structuredClone(buildFileInfo(shape, 'Q4_K_M')) as unknown as Loose;
  change(info);
  return info as unknown as GgufFileInfo;
}

function estimate(fileInfo: GgufFileInfo, options: Partial<FitInput> = {}) {
  return estimateFit({ fileInfo, hardware: HARDWARE_PROFILES['gpu-8gb'], contextSize: 4096, ...options });
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('headers that cannot be estimated give one clear MODEL_UNREADABLE line', () => {
  it.each([
    ['no tensors', (i: Loose) => { i.fullTensorInfo = []; i.tensorInfo = []; }, /lists no tensors/],
    ['tensor info not read', (i: Loose) => { delete i.fullTensorInfo; delete i.tensorInfo; }, /lists no tensors/],
    ['no block_count', (i: Loose) => { delete i.architectureMetadata.block_count; }, /lacks qwen2\.block_count/],
    ['no attention head count', (i: Loose) => { delete i.architectureMetadata.attention.head_count; }, /lacks qwen2\.attention\.head_count/],
    ['no embedding length', (i: Loose) => { delete i.architectureMetadata.embedding_length; }, /lacks qwen2\.embedding_length/],
    ['no architecture', (i: Loose) => { delete i.metadata.general.architecture; }, /does not name its architecture/],
    ['an architecture llama.cpp does not know', (i: Loose) => { i.metadata.general.architecture = 'mystery'; }, /"mystery" is not supported/],
    ['a tensor type ggml does not know', (i: Loose) => { i.fullTensorInfo![3]!.ggmlType = 999; }, /^Cannot estimate this model's memory: /],
  ])('%s', async (_name, change, message) => {
    const error = await failure(estimate(header(change)));
    expect(error.code).toBe('MODEL_UNREADABLE');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('estimates a header without context_length: the caller chose the context, nothing else needs it', async () => {
    const e = await estimate(header((i) => delete i.architectureMetadata.context_length));
    expect(e.label).toBe('full-gpu');
  });
});

describe('settings that make no sense are BAD_REQUEST', () => {
  it.each<[string, Partial<FitInput>]>([
    ['context 0', { contextSize: 0 }],
    ['context NaN', { contextSize: Number.NaN }],
    ['0 parallel sequences', { parallel: 0 }],
    ['negative GPU layers', { gpuLayers: -1 }],
    ['an unknown KV cache type', { kvCacheType: 'q5_1' as FitInput['kvCacheType'] }],
  ])('%s', async (_name, options) => {
    expect((await failure(estimate(header(), options))).code).toBe('BAD_REQUEST');
  });
});

describe('odd hardware', () => {
  it('treats a GPU that reports 0 VRAM as no GPU and says so', async () => {
    const hardware: FitHardware = { gpu: true, vramTotalBytes: 0, vramFreeBytes: 0, unifiedBytes: 0, ramTotalBytes: 16 * GIB, ramFreeBytes: 12 * GIB };
    const e = await estimate(header(), { hardware, gpuLayers: 'max' });
    expect(e).toMatchObject({ label: 'cpu', gpuLayers: 0, vram: { totalBytes: 0 } });
    expect(e.reason).toContain('the GPU reports no VRAM');
  });

  it('runs on the CPU when a GPU has no free VRAM left', async () => {
    const hardware: FitHardware = { gpu: true, vramTotalBytes: 8 * GIB, vramFreeBytes: 0, unifiedBytes: 0, ramTotalBytes: 16 * GIB, ramFreeBytes: 12 * GIB };
    const e = await estimate(header(), { hardware });
    expect(e).toMatchObject({ label: 'cpu', gpuLayers: 0 });
    expect(e.reason).toContain("not one layer fits in the GPU's 0 B of free VRAM");
  });

  it('reads missing or broken numbers as 0 bytes free', async () => {
    const hardware: FitHardware = { gpu: false, vramTotalBytes: Number.NaN, vramFreeBytes: -1, unifiedBytes: 0, ramTotalBytes: Number.NaN, ramFreeBytes: Number.NaN };
    const e = await estimate(header(), { hardware });
    expect(e.label).toBe('too-large');
    expect(e.reason).toMatch(/^Q4_K_M: needs [\d.]+ [MG]B, but only 0 B of RAM is free$/);
  });
});

describe('headers that differ from the usual layout', () => {
  it('estimates tied embeddings (no output.weight): llama.cpp puts a copy on the GPU as the output layer', async () => {
    const tied = await estimate(header(() => {}, { ...MODEL_SHAPES['qwen2.5-0.5b'], outputWeight: false }));
    const untied = await estimate(header());
    expect(tied.label).toBe('full-gpu');
    // token_embd (Q8_0, as llama.cpp quantizes a tied output) stays on the CPU and its copy takes
    // the place of output.weight (also Q8_0) on the GPU.
    expect(tied.ram.weightsBytes).toBe((151936 * 896 * 34) / 32);
    expect(tied.vram.weightsBytes).toBe(untied.vram.weightsBytes);
  });

  it('gives the same estimate whether or not the token list was read (vocabulary from token_embd)', async () => {
    const withTokens = header((i) => {
      i.metadata.tokenizer = { ggml: { model: 'gpt2', tokens: Array.from({ length: 151936 }, (_, n) => `t${n}`) } };
    });
    const withoutTokens = header();
    expect(await estimate(withoutTokens)).toEqual(await estimate(withTokens));
    // Why it matters: node-llama-cpp alone sizes the logits buffer from one or the other
    // (151936 tokens × 512 batch × 4 bytes ≈ 311 MB), so skipping the token list hid it.
    const context = async (info: GgufFileInfo) =>
      (await GgufInsights.from(info)).estimateContextResourceRequirements({ contextSize: 4096, modelGpuLayers: 0 }).cpuRam;
    expect((await context(withTokens)) - (await context(withoutTokens))).toBe(151936 * 512 * 4);
  });
});
