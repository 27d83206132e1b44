import type { HardwareSnapshot } from '../../../../shared/hardwareDto';

/**
 * A search result's size and fit, before its repo is opened: the Hub's search gives the parameter
 * count but no file list, so this is a guess at the usual pick, Q4_K_M (about 4.85 bits per weight
 * in llama.cpp's quantization table), against this machine's free memory. The repo page reads the
 * real headers and gives the real label; the result says "≈" and "likely" to keep the two apart.
 */
export const Q4_K_M_BITS_PER_WEIGHT = 4.85;
/** Context (KV cache) and compute buffers on top of the weights, as a share of them at 8k context. */
const OVERHEAD = 0.2;
/** Fixed runtime overhead, in bytes. */
const BASE_BYTES = 300e6;

export type ResultFit = 'gpu' | 'ram' | 'too-large';

export interface ResultEstimate {
  /** Approximate Q4_K_M file size, in bytes. */
  sizeBytes: number;
  /** Null until the hardware is known. */
  fit: ResultFit | null;
}

export function estimateResult(parameterCount: number | undefined, hardware: HardwareSnapshot | null): ResultEstimate | null {
  if (!parameterCount || !Number.isFinite(parameterCount) || parameterCount <= 0) return null;
  const sizeBytes = (parameterCount * Q4_K_M_BITS_PER_WEIGHT) / 8;
  if (!hardware) return { sizeBytes, fit: null };
  const needed = sizeBytes * (1 + OVERHEAD) + BASE_BYTES;
  const vramFree = hardware.llama && hardware.llama.backend !== 'cpu' ? hardware.llama.vram.freeBytes : 0;
  if (vramFree >= needed) return { sizeBytes, fit: 'gpu' };
  // Partly on a GPU still needs the rest in RAM; RAM alone is the conservative check.
  if (hardware.ram.freeBytes + vramFree >= needed) return { sizeBytes, fit: 'ram' };
  return { sizeBytes, fit: 'too-large' };
}

export const RESULT_FIT_TEXT: Record<ResultFit, string> = {
  gpu: 'likely fits on the GPU',
  ram: 'likely fits in memory',
  'too-large': 'likely too large here',
};
