import { GgmlType, GgufInsights } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { buildFileInfo, MODEL_SHAPES, weightBytes, type ModelShapeName, type QuantMix } from './testing/modelShapes';

const MIB = 1024 ** 2;

/** Published file sizes (Hugging Face): bartowski's Llama 3.1 quants, Qwen's own Qwen2.5 GGUFs. */
const PUBLISHED: Array<{ model: ModelShapeName; quant: QuantMix; bytes: number }> = [
  { model: 'llama-3.1-8b', quant: 'Q4_K_M', bytes: 4.92e9 },
  { model: 'llama-3.1-70b', quant: 'Q4_K_M', bytes: 42.5e9 },
  { model: 'qwen2.5-7b', quant: 'Q4_K_M', bytes: 4.68e9 },
  { model: 'qwen2.5-0.5b', quant: 'Q4_K_M', bytes: 463 * MIB },
  { model: 'qwen2.5-0.5b', quant: 'Q6_K', bytes: 615 * MIB },
  { model: 'qwen2.5-0.5b', quant: 'Q2_K', bytes: 390 * MIB },
];

describe('weight sizes of built headers', () => {
  it.each(PUBLISHED)('$model $quant is within 10 % of the published file size', async ({ model, quant, bytes }) => {
    const insights = await GgufInsights.from(buildFileInfo(MODEL_SHAPES[model], quant));
    const error = (insights.modelSize - bytes) / bytes;
    console.log(`${model} ${quant}: estimated ${(insights.modelSize / 1e9).toFixed(3)} GB vs published ${(bytes / 1e9).toFixed(3)} GB (${(error * 100).toFixed(2)} %)`);
    expect(Math.abs(error)).toBeLessThan(0.1);
  });

  it("agrees with the builder's own arithmetic (node-llama-cpp sizes every tensor the same way)", async () => {
    const info = buildFileInfo(MODEL_SHAPES['qwen2.5-7b'], 'Q4_K_M');
    const insights = await GgufInsights.from(info);
    // modelSize also counts the 32-byte alignment padding between tensors.
    expect(Math.abs(insights.modelSize - weightBytes(info)) / weightBytes(info)).toBeLessThan(0.001);
  });

  it('orders quantizations by size: Q2_K < Q4_K_M < Q6_K < Q8_0 < F16', async () => {
    const sizes: number[] = [];
    for (const quant of ['Q2_K', 'Q4_K_M', 'Q6_K', 'Q8_0', 'F16'] as const) {
      sizes.push((await GgufInsights.from(buildFileInfo(MODEL_SHAPES['llama-3.1-8b'], quant))).modelSize);
    }
    expect([...sizes].sort((a, b) => a - b)).toEqual(sizes);
  });

  it("lays Qwen2.5-0.5B out like llama.cpp: rows of 896 cannot hold k-quants, so they fall back to Q5_0 / Q8_0", () => {
    const tensors = buildFileInfo(MODEL_SHAPES['qwen2.5-0.5b'], 'Q4_K_M').fullTensorInfo!;
    const typeOf = (name: string) => tensors.find((t) => t.name === name)!.ggmlType;
    expect([typeOf('blk.0.attn_q.weight'), typeOf('token_embd.weight'), typeOf('output.weight')]).toEqual([GgmlType.Q5_0, GgmlType.Q5_0, GgmlType.Q8_0]);
    // ffn_down rows are 4864 = 19 × 256 long: Q6_K in the "more bits" layers, Q4_K elsewhere.
    expect([typeOf('blk.0.ffn_down.weight'), typeOf('blk.3.ffn_down.weight')]).toEqual([GgmlType.Q6_K, GgmlType.Q4_K]);
  });
});
