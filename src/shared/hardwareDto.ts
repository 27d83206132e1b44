/**
 * Shapes of this machine's hardware and of model fit: what the OS and llama.cpp report (the
 * Hardware view, `hearth hardware`), whether a model fits here and how, and the predicted vs
 * measured memory of a load. Plain JSON; sizes in bytes, ISO-8601 dates.
 */
import type { FileTradeoff } from './benchDto';

/** One GPU as the operating system reports it (systeminformation). */
export interface GpuInfo {
  vendor: string;
  model: string;
  /** Dedicated memory in bytes; null when the OS does not say. */
  vramBytes: number | null;
  driver?: string;
}

/** What llama.cpp itself sees, asked in the engine process. Decisions use this view. */
export interface LlamaHardwareView {
  /** GPU backend of the llama.cpp build in use; `cpu` when none. */
  backend: 'cuda' | 'vulkan' | 'metal' | 'cpu';
  gpuNames: string[];
  /** Bytes; all 0 without a GPU backend. */
  vram: { totalBytes: number; usedBytes: number; freeBytes: number };
  /** Bytes of the VRAM that is shared with RAM (Apple silicon and other unified-memory systems). */
  unifiedBytes: number;
  /** CPU threads llama.cpp would use for math. */
  cpuMathCores: number;
  /** node-llama-cpp's prebuilt binary, or one compiled on this machine by `hearth engine build`. */
  binary: 'prebuilt' | 'built here';
}

/** This machine, for the Hardware view, the fit estimate and `hearth hardware`. */
export interface HardwareSnapshot {
  /** When the slow parts were last read (ISO-8601). */
  takenAt: string;
  cpu: {
    model: string;
    physicalCores: number;
    logicalCores: number;
    /** Instruction-set extensions llama.cpp uses, e.g. `AVX2`, `AVX512`, `NEON`, `FMA`, `F16C`. */
    simd: string[];
  };
  /** Bytes. `freeBytes` is what the OS can give without swapping (MemAvailable). */
  ram: { totalBytes: number; freeBytes: number; swapTotalBytes: number; swapFreeBytes: number };
  gpus: GpuInfo[];
  os: { platform: string; distro: string; release: string; arch: string };
  /** Null when the engine could not be asked (it failed to start). */
  llama: LlamaHardwareView | null;
  /** Where the OS and llama.cpp disagree, one line each; the UI shows both numbers. */
  notes: string[];
  /** What could not be collected, one line each (the rest of the snapshot is still valid). */
  errors: string[];
}

/** LM Studio's wording, so its users recognise it. */
export type FitLabel = 'full-gpu' | 'partial-gpu' | 'cpu' | 'too-large';

/** Bytes of one memory pool a loaded model takes, by what it is for. */
export interface MemorySplit {
  weightsBytes: number;
  kvCacheBytes: number;
  computeBytes: number;
  totalBytes: number;
}

/** Will this model run here, with these settings, and how. */
export interface FitEstimate {
  label: FitLabel;
  /** Context per sequence the estimate is for, in tokens. */
  contextSize: number;
  /** Layers offloaded to the GPU, of `totalLayers` (the output layer counts as one). */
  gpuLayers: number;
  totalLayers: number;
  vram: MemorySplit;
  ram: MemorySplit;
  /** Free memory left after loading, in bytes (negative: missing). */
  headroom: { vramBytes: number; ramBytes: number };
  /** Memory kept free on purpose (estimates are not exact, other apps need room), in bytes. */
  safetyMarginBytes: number;
  /** One line a person understands, e.g. "4.1 GB weights + 1.0 GB context fits in 8 GB VRAM with 1.2 GB to spare". */
  reason: string;
}

/** The fit of one local model file, and whether it is the one to pick among its quantizations. */
export interface ModelFit {
  modelId: string;
  /** Null when the file cannot be estimated; `error` says why. */
  estimate: FitEstimate | null;
  error?: string;
  /** The file of its model (same folder / same name) the recommendation picks (fit, predicted speed and quality, by the preference). */
  recommended: boolean;
  /** Why it is (or is not) recommended, one line; set on recommended files. */
  recommendation?: string;
  /** Bits per weight of the file (size over parameters), for comparing quantizations. */
  bitsPerWeight: number;
  /** Predicted speed here and quality loss vs F16; absent without an estimate. */
  tradeoff?: FileTradeoff;
}

/** Predicted and measured memory of a load, for the "estimate that is checked" promise. */
export interface LoadMemoryCheck {
  predicted: { ramBytes: number; vramBytes: number };
  /** Engine process RSS growth and VRAM use growth over the load, in bytes. */
  measured: { ramBytes: number; vramBytes: number };
  /** (measured − predicted) / predicted of RAM + VRAM together, in %. */
  errorPercent: number;
}
