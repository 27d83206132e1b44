/**
 * The machine profile: effective memory bandwidth where layers run (CPU, GPU), measured by the
 * benchmark, and the speed it predicts for any file. Generation is bound by reading every weight
 * once per token (see bytesPerToken.ts), so tok/s ≈ bandwidth ÷ bytes per token; a file split
 * between GPU and CPU pays each part at its own pool's bandwidth.
 */
import type { BandwidthFigure, BenchResult, MachineProfile } from '../../../shared/benchDto';

/**
 * Until this machine is benchmarked. CPU: the case study of issue 17 (Qwen2.5-0.5B F16, 1170 MiB
 * at 19.7 tok/s on a laptop CPU) implies ~24 GB/s; rounded down to 20 GB/s. GPU: 200 GB/s, an
 * assumption below the memory bandwidth of today's discrete GPUs (mid-range cards have 250–500
 * GB/s); only predictions for files split between GPU and CPU depend on its ratio to the CPU's.
 */
export const DEFAULT_CPU_BANDWIDTH = 20e9;
export const DEFAULT_GPU_BANDWIDTH = 200e9;

type BenchShape = Pick<BenchResult, 'bytesPerToken' | 'gpuLayers' | 'totalLayers' | 'runs' | 'bestThreads'>;

/**
 * Bandwidth one benchmark implies at its best thread count. All layers on the CPU: bytes per token
 * × tg tok/s. All on the GPU: the same, for the GPU. Split: the GPU's share is solved from the
 * token time once the CPU's bandwidth is known (`cpuBytesPerSecond`), else left unknown.
 */
export function bandwidthOf(result: BenchShape, cpuBytesPerSecond?: number): BenchResult['bandwidth'] {
  const best = result.runs.find((run) => run.threads === result.bestThreads) ?? result.runs[0];
  const tg = best?.tgTokensPerSecond ?? 0;
  if (!(tg > 0) || !(result.bytesPerToken > 0)) return {};
  if (result.gpuLayers === 0) return { cpuBytesPerSecond: result.bytesPerToken * tg };
  if (result.gpuLayers >= result.totalLayers) return { gpuBytesPerSecond: result.bytesPerToken * tg };
  if (!cpuBytesPerSecond) return {};
  const gpuShare = result.gpuLayers / result.totalLayers;
  const gpuSeconds = 1 / tg - (result.bytesPerToken * (1 - gpuShare)) / cpuBytesPerSecond;
  return gpuSeconds > 0 ? { gpuBytesPerSecond: (result.bytesPerToken * gpuShare) / gpuSeconds } : {};
}

/**
 * The profile from this machine's benchmarks: for each pool, the benchmark of the model with the
 * most bytes per token (a large model is bound by bandwidth; a tiny one by per-token overhead and
 * would understate it), newest on a tie; defaults where nothing was measured.
 */
export function machineProfile(machineKey: string, results: BenchResult[], llamaGpus: string[] | null): MachineProfile {
  const pick = (has: (r: BenchResult) => number | undefined): BandwidthFigure | undefined => {
    const measured = results.filter((r) => has(r) !== undefined).sort((a, b) => b.bytesPerToken - a.bytesPerToken || b.ranAt.localeCompare(a.ranAt))[0];
    return measured ? { bytesPerSecond: has(measured)!, source: 'measured', modelId: measured.modelId, measuredAt: measured.ranAt } : undefined;
  };
  const cpu = pick((r) => r.bandwidth.cpuBytesPerSecond) ?? { bytesPerSecond: DEFAULT_CPU_BANDWIDTH, source: 'default' };
  const gpuMeasured = pick((r) => r.bandwidth.gpuBytesPerSecond);
  const gpuResult = gpuMeasured && results.find((r) => r.modelId === gpuMeasured.modelId && r.ranAt === gpuMeasured.measuredAt);
  let gpu: MachineProfile['gpu'] = null;
  if (gpuMeasured) gpu = { ...gpuMeasured, devices: gpuResult?.gpuNames ?? [] };
  else if (llamaGpus && llamaGpus.length > 0) gpu = { bytesPerSecond: DEFAULT_GPU_BANDWIDTH, source: 'default', devices: llamaGpus };
  return { machineKey, cpu, gpu };
}

/**
 * Predicted generation speed, tok/s, of a file reading `bytesPerToken` per token with `gpuShare`
 * (0–1) of its weights on the GPU. 0 when the bytes are unknown.
 */
export function predictTokensPerSecond(profile: MachineProfile, bytesPerToken: number, gpuShare: number): number {
  if (!(bytesPerToken > 0)) return 0;
  const share = Math.min(1, Math.max(0, gpuShare));
  const gpuBandwidth = profile.gpu?.bytesPerSecond ?? DEFAULT_GPU_BANDWIDTH;
  const seconds = (bytesPerToken * (1 - share)) / profile.cpu.bytesPerSecond + (bytesPerToken * share) / gpuBandwidth;
  return 1 / seconds;
}

/** The profile before any benchmark, for callers that have none (tests, one-shot commands). */
export function defaultProfile(llamaGpus: string[] | null = null): MachineProfile {
  return machineProfile('unknown', [], llamaGpus);
}
