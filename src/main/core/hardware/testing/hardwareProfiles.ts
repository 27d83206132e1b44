/**
 * Test helper: machines to estimate fits on, as `FitHardware` numbers. Free memory is what an
 * idle machine of that kind reports, not its total: the OS and a desktop always hold some.
 */
import type { FitHardware } from '../fitEstimate';

const GIB = 1024 ** 3;

/** Metal's working-set limit (what llama.cpp sees as VRAM) is about 2/3 of RAM on a 16 GB Mac. */
const MAC_16_GPU_LIMIT = Math.round((16 * GIB * 2) / 3);

export const HARDWARE_PROFILES = {
  /** Laptop or small server without a usable GPU: 8 GiB RAM, 7 GiB free. */
  'cpu-8gb': { gpu: false, vramTotalBytes: 0, vramFreeBytes: 0, unifiedBytes: 0, ramTotalBytes: 8 * GIB, ramFreeBytes: 7 * GIB },
  /** Mid-range discrete GPU (RTX 4060 class): 8 GiB VRAM (0.5 held by the desktop), 16 GiB RAM. */
  'gpu-8gb': { gpu: true, vramTotalBytes: 8 * GIB, vramFreeBytes: 7.5 * GIB, unifiedBytes: 0, ramTotalBytes: 16 * GIB, ramFreeBytes: 13 * GIB },
  /** High-end discrete GPU (RTX 3090/4090 class): 24 GiB VRAM, 32 GiB RAM. */
  'gpu-24gb': { gpu: true, vramTotalBytes: 24 * GIB, vramFreeBytes: 23.5 * GIB, unifiedBytes: 0, ramTotalBytes: 32 * GIB, ramFreeBytes: 28 * GIB },
  /** Apple silicon with 16 GiB unified memory: VRAM is the GPU's window onto RAM. */
  'unified-16gb': {
    gpu: true, vramTotalBytes: MAC_16_GPU_LIMIT, vramFreeBytes: MAC_16_GPU_LIMIT, unifiedBytes: MAC_16_GPU_LIMIT,
    ramTotalBytes: 16 * GIB, ramFreeBytes: 12 * GIB,
  },
} satisfies Record<string, FitHardware>;

export type HardwareProfileName = keyof typeof HARDWARE_PROFILES;
