import { readGgufFileInfo } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import type { MachineProfile, RecommendPreference } from '../../../shared/benchDto';
import { fixtureModel } from '../../testing/fixtureModels';
import type { FixtureType } from '../../fixtures/gguf/generateModel';
import { bytesPerToken } from '../bench/bytesPerToken';
import { estimateFit, type FitHardware } from './fitEstimate';
import { recommend, type RecommendCandidate } from './recommend';
import { buildFileInfo, MODEL_SHAPES, type ModelShapeName, type QuantMix } from './testing/modelShapes';
import { HARDWARE_PROFILES } from './testing/hardwareProfiles';

const GIB = 1024 ** 3;
/** A CPU-only machine with room for an 8B F16 file. */
const CPU_32GB: FitHardware = { gpu: false, vramTotalBytes: 0, vramFreeBytes: 0, unifiedBytes: 0, ramTotalBytes: 32 * GIB, ramFreeBytes: 28 * GIB };
/** A CPU profile as a benchmark leaves it (the number is this machine's order of magnitude; only ratios decide). */
const MEASURED_CPU: MachineProfile = { machineKey: 'test', cpu: { bytesPerSecond: 12e9, source: 'measured', modelId: 'bench/model.gguf', measuredAt: '2026-01-01T00:00:00.000Z' }, gpu: null };

/** Bits per weight as Hearth reports them (file size over parameters). */
const BITS: Record<QuantMix, number> = { Q2_K: 3.2, Q4_K_M: 4.9, Q6_K: 6.6, Q8_0: 8.5, F16: 16 };

async function shapeCandidates(model: ModelShapeName, hardware: FitHardware, quants: QuantMix[] = ['Q2_K', 'Q4_K_M', 'Q6_K', 'Q8_0', 'F16']): Promise<RecommendCandidate[]> {
  const parameterCount = model === 'qwen2.5-0.5b' ? 0.49e9 : model === 'llama-3.1-8b' ? 8.03e9 : 70.6e9;
  return Promise.all(
    quants.map(async (quant) => {
      const fileInfo = buildFileInfo(MODEL_SHAPES[model], quant);
      return {
        modelId: `${model}-${quant}.gguf`,
        group: model,
        bitsPerWeight: BITS[quant],
        quantization: quant,
        parameterCount,
        bytesPerToken: bytesPerToken(fileInfo),
        estimate: await estimateFit({ fileInfo, hardware, contextSize: 4096 }),
      };
    }),
  );
}

/** The project's generated ladder: the same weights at F32, F16, Q8_0 and Q4_0, read from the files. */
async function ladderCandidates(hardware: FitHardware): Promise<RecommendCandidate[]> {
  const types: FixtureType[] = ['F32', 'F16', 'Q8_0', 'Q4_0'];
  return Promise.all(
    types.map(async (type) => {
      const path = await fixtureModel({ preset: 'tiny', type });
      const fileInfo = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
      const parameters = (fileInfo.fullTensorInfo ?? []).reduce((sum, t) => sum + t.dimensions.reduce<number>((a, b) => a * Number(b), 1), 0);
      const bytes = bytesPerToken(fileInfo);
      return {
        modelId: `tiny-${type}.gguf`,
        group: 'tiny',
        bitsPerWeight: (bytes * 8) / parameters,
        quantization: type,
        bytesPerToken: bytes,
        estimate: await estimateFit({ fileInfo, hardware, contextSize: 512 }),
      };
    }),
  );
}

const pick = (candidates: RecommendCandidate[], preference: RecommendPreference, profile: MachineProfile = MEASURED_CPU) => {
  const { reasons, tradeoffs } = recommend(candidates, { profile, preference });
  expect(reasons.size).toBe(1);
  const [id, reason] = [...reasons][0]!;
  return { id, reason, tradeoffs };
};

describe('recommend: Balanced weighs fit, speed and quality', () => {
  it('on a CPU profile with the measured bandwidth, picks a 4–5-bit file over F16 that is predicted more than 1.8× faster (Llama 3.1 8B)', async () => {
    const candidates = await shapeCandidates('llama-3.1-8b', CPU_32GB);
    expect(candidates.every((c) => c.estimate!.label === 'cpu')).toBe(true);
    const { id, reason, tradeoffs } = pick(candidates, 'balanced');
    const chosen = candidates.find((c) => c.modelId === id)!;
    expect(chosen.bitsPerWeight).toBeGreaterThanOrEqual(4);
    expect(chosen.bitsPerWeight).toBeLessThan(6);
    expect(tradeoffs.get(id)!.tokensPerSecond / tradeoffs.get('llama-3.1-8b-F16.gguf')!.tokensPerSecond).toBeGreaterThan(1.8);
    expect(id).toBe('llama-3.1-8b-Q4_K_M.gguf');
    expect(reason).toMatch(/^Q4_K_M — fits in RAM \([\d.]+ GB of [\d.]+ GB free\), about \d+(\.\d)? tok\/s here, about 3 % quality loss vs F16$/);
  });

  it('on the generated F32 / F16 / Q8_0 / Q4_0 ladder, takes Q4_0 over F16 once it is predicted more than 1.8× faster', async () => {
    const candidates = await ladderCandidates(CPU_32GB);
    const { id, tradeoffs } = pick(candidates, 'balanced');
    const ratio = tradeoffs.get('tiny-Q4_0.gguf')!.tokensPerSecond / tradeoffs.get('tiny-F16.gguf')!.tokensPerSecond;
    expect(ratio).toBeGreaterThan(1.8);
    expect(id).toBe('tiny-Q4_0.gguf');
    // The same files with F16 barely slower: not worth 7.5 % more perplexity.
    const close = recommend(candidates.filter((c) => c.quantization !== 'F32').map((c) => (c.quantization === 'F16' ? { ...c, bytesPerToken: c.bytesPerToken! / ratio * 1.5 } : c)), { profile: MEASURED_CPU });
    expect([...close.reasons.keys()]).not.toEqual(['tiny-Q4_0.gguf']);
  });

  it('keeps the one that fits fully on the GPU when the next one would spill to the CPU (Llama 3.1 8B on 8 GB)', async () => {
    const { id, reason } = pick(await shapeCandidates('llama-3.1-8b', HARDWARE_PROFILES['gpu-8gb']), 'balanced', { ...MEASURED_CPU, gpu: { bytesPerSecond: 270e9, source: 'measured', devices: ['RTX 4060'] } });
    expect(id).toBe('llama-3.1-8b-Q4_K_M.gguf');
    expect(reason).toMatch(/^Q4_K_M — fits in VRAM \([\d.]+ GB of [\d.]+ GB free\), about \d+ tok\/s here, about 3 % quality loss vs F16$/);
  });

  it('says the speed is an estimate when this machine was never benchmarked', async () => {
    const { reason } = pick(await shapeCandidates('llama-3.1-8b', CPU_32GB), 'balanced', { machineKey: 'x', cpu: { bytesPerSecond: 20e9, source: 'default' }, gpu: null });
    expect(reason).toContain('tok/s (estimated; benchmark this machine to measure)');
  });
});

describe('recommend: Quality and Speed', () => {
  it('Quality picks the most precise file that fits, whatever its speed', async () => {
    expect(pick(await shapeCandidates('llama-3.1-8b', CPU_32GB), 'quality').id).toBe('llama-3.1-8b-F16.gguf');
    // 7 GiB free: Q6_K and up are too large, Q4_K_M is the most precise left.
    const small = await shapeCandidates('llama-3.1-8b', HARDWARE_PROFILES['cpu-8gb']);
    expect(small.filter((c) => c.estimate!.label !== 'too-large').map((c) => c.quantization)).toEqual(['Q2_K', 'Q4_K_M']);
    const { id, reason } = pick(small, 'quality');
    expect(id).toBe('llama-3.1-8b-Q4_K_M.gguf');
    expect(reason).toMatch(/; the most precise file that fits$/);
    expect(pick(await ladderCandidates(CPU_32GB), 'quality').id).toBe('tiny-F32.gguf');
  });

  it('Speed picks the fastest file whose quality loss is under 10 %, not the fastest of all', async () => {
    // Qwen2.5-0.5B: Q2_K is the fastest but loses 10.4 % (the case study); Q4_K_M is next.
    const qwen = await shapeCandidates('qwen2.5-0.5b', CPU_32GB);
    const { id, reason, tradeoffs } = pick(qwen, 'speed');
    const fastest = [...tradeoffs].sort((a, b) => b[1].tokensPerSecond - a[1].tokensPerSecond)[0]![0];
    expect(fastest).toBe('qwen2.5-0.5b-Q2_K.gguf');
    expect(tradeoffs.get(fastest)!.quality!.percent).toBeGreaterThanOrEqual(10);
    expect(id).toBe('qwen2.5-0.5b-Q4_K_M.gguf');
    expect(reason).toMatch(/about 4 % quality loss vs F16; the fastest with under 10 % quality loss$/);
    expect(pick(await ladderCandidates(CPU_32GB), 'speed').id).toBe('tiny-Q4_0.gguf');
  });

  it('gives a group where nothing fits no entry, keeps groups apart, and still reports every file’s trade-off', async () => {
    const { reasons, tradeoffs } = recommend([...(await shapeCandidates('llama-3.1-70b', HARDWARE_PROFILES['cpu-8gb'])), ...(await shapeCandidates('qwen2.5-0.5b', HARDWARE_PROFILES['cpu-8gb']))], { profile: MEASURED_CPU });
    expect([...reasons.keys()].every((id) => id.startsWith('qwen2.5-0.5b'))).toBe(true);
    expect(reasons.size).toBe(1);
    expect(tradeoffs.size).toBe(10);
    expect(recommend([]).reasons.size).toBe(0);
  });
});
