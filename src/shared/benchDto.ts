/**
 * Shapes of the machine benchmark, the machine profile and the speed/quality trade-off shown with
 * every model file. Plain JSON; speeds in tokens per second, bandwidth in bytes per second, times
 * in ms, sizes in bytes.
 */

/** What the recommendation favours: Balanced (default) weighs speed against quality loss. */
export type RecommendPreference = 'balanced' | 'quality' | 'speed';

/** One thread count of a benchmark, measured as llama-bench defines its tests. */
export interface BenchThreadRun {
  threads: number;
  /** pp: `promptTokens` random tokens evaluated as one batch from an empty cache; tokens / time, mean of the repetitions. */
  ppTokensPerSecond: number;
  /** tg: `genTokens` tokens generated one at a time (greedy, end-of-text ignored) after an empty cache; tokens / time, mean. */
  tgTokensPerSecond: number;
  /** Sample standard deviation over the repetitions (0 with one repetition), tok/s. */
  ppStdDev: number;
  tgStdDev: number;
  /** A `promptTokens` prompt from an empty cache until its first generated token, in ms. */
  timeToFirstTokenMs: number;
}

/** One benchmark of one model on this machine. */
export interface BenchResult {
  modelId: string;
  /** `general.name`, else the file name. */
  modelName: string;
  quantization: string;
  /** File size (all parts), bytes. */
  sizeBytes: number;
  /** Bytes of weights read per generated token (see bench/bytesPerToken.ts for the approximation). */
  bytesPerToken: number;
  /** When it ran (ISO-8601). */
  ranAt: string;
  /** llama.cpp backend of the run: `cpu`, `cuda`, `vulkan`, `metal`. */
  backend: string;
  /** GPU device names llama.cpp used (empty on the CPU). */
  gpuNames: string[];
  gpuLayers: number;
  totalLayers: number;
  promptTokens: number;
  genTokens: number;
  repetitions: number;
  /** Loading the weights and creating the first context, in ms. */
  loadMs: number;
  /** Growth of the benchmark process's RSS and of used VRAM over the load, and its peak RSS, bytes. */
  memory: { ramBytes: number; vramBytes: number; peakRssBytes: number };
  /** One per thread count, in the order run. */
  runs: BenchThreadRun[];
  /** The thread count with the highest tg tok/s (generation is what a chat waits for). */
  bestThreads: number;
  /** Effective bandwidth this run implies: bytes per token × best tg tok/s, split by where layers ran. */
  bandwidth: { cpuBytesPerSecond?: number; gpuBytesPerSecond?: number };
}

/** Where a bandwidth figure comes from. */
export interface BandwidthFigure {
  bytesPerSecond: number;
  /** `measured`: derived from a benchmark on this machine; `default`: Hearth's documented assumption. */
  source: 'measured' | 'default';
  /** The benchmark it was derived from, when measured. */
  modelId?: string;
  measuredAt?: string;
}

/** This machine as the speed prediction sees it. */
export interface MachineProfile {
  /** Stable id of this machine (OS, CPU model, cores, RAM); results are kept per machine. */
  machineKey: string;
  cpu: BandwidthFigure;
  /** Null when llama.cpp has no GPU here and none was ever benchmarked. */
  gpu: (BandwidthFigure & { devices: string[] }) | null;
}

/** `bench.getResults`: this machine's profile and its benchmarks, newest first. */
export interface BenchOverview {
  machine: MachineProfile;
  results: BenchResult[];
  /** The thread count loads use by default for each benchmarked model. */
  tunedThreads: Record<string, number>;
}

/** Streamed by `bench.run` while it works. */
export type BenchProgress =
  | { type: 'loading' }
  | {
      type: 'measuring';
      threads: number;
      /** Thread counts finished, of `total`. */
      done: number;
      total: number;
      /** Estimated seconds left, once one thread count is done. */
      etaSeconds?: number;
    }
  /** One thread count finished. */
  | { type: 'run'; run: BenchThreadRun; done: number; total: number };

/** Quality loss of a file against the highest precision (F16), and where the figure comes from. */
export interface QualityLoss {
  /** Perplexity increase over F16, in %. */
  percent: number;
  /** Mean KL divergence against F16, when the source gives it. */
  kldMean?: number;
  /** `measured`: the quantization lab on this model; `prior`: a cited table; `estimated`: interpolated from the table by bits per weight. */
  source: 'measured' | 'prior' | 'estimated';
  /** Where the number comes from, for people. */
  basis: string;
}

/** Speed and quality of one file on this machine, shown beside its fit. */
export interface FileTradeoff {
  /** Predicted generation speed here, tok/s (bytes per token ÷ bandwidth where its layers run). */
  tokensPerSecond: number;
  /** Whether the bandwidth behind it was measured on this machine. */
  speedSource: 'measured' | 'default';
  /** Null when neither a measurement nor the table knows this quantization. */
  quality: QualityLoss | null;
}
