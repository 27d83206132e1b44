/**
 * Shapes of the quantization lab: several files of one model measured side by side on this
 * machine, quality against the highest-precision one by llama.cpp's `llama-perplexity` method.
 * Plain JSON; sizes in bytes, times in ms, speeds in tokens per second.
 */

/** One file's measurements in a lab run. */
export interface LabFileResult {
  modelId: string;
  fileName: string;
  /** As llama.cpp names the file's type, e.g. `Q4_K_M`, `F16`. */
  quantization: string;
  /** Size on disk (all parts), bytes. */
  size: number;
  /** Size × 8 ÷ parameters; null when the parameter count is unknown. */
  bitsPerWeight: number | null;
  /** True for the file the others are compared with (its quality figures are the reference: ratio 1, KLD 0). */
  isBase: boolean;
  /** Loading the weights and creating the context, ms. */
  loadMs: number;
  /** Growth of the lab process's RSS and of used VRAM over the load (weights touched once), bytes. */
  ramBytes: number;
  vramBytes: number;
  /** llama-bench's pp (a prompt of min(512, n_ctx − 1) tokens in one batch) and tg (128 tokens one at a time). */
  ppTokensPerSecond: number;
  tgTokensPerSecond: number;
  /** Perplexity of this file on the scored tokens, and its standard error. */
  ppl: number;
  pplStderr: number;
  /** PPL(this) ÷ PPL(base), with its uncertainty (llama.cpp's "Mean PPL(Q)/PPL(base)"). */
  pplRatio: number;
  pplRatioStderr: number;
  /** Mean KL divergence from the base's distribution, nats, and its standard error. */
  kldMean: number;
  kldStderr: number;
  /** Median, 99th percentile and largest per-token KL divergence, nats. */
  kldMedian: number;
  kld99: number;
  kldMax: number;
  /** How often the most likely token is the base's most likely token, percent, and its standard error. */
  sameTopPercent: number;
  sameTopStderrPercent: number;
  /** RMS of the difference in probability given to the actual next token, percent (llama.cpp's "RMS Δp"). */
  rmsDeltaP: number;
  rmsDeltaPStderr: number;
  /** Time spent evaluating and scoring the chunks, ms. */
  evalMs: number;
}

/** Where this machine's results come from (results are kept per machine). */
export interface LabMachine {
  /** Stable id: OS, architecture, CPU model, cores and RAM. */
  key: string;
  cpu: string;
  cores: number;
  ramBytes: number;
  platform: string;
}

/** One run of the lab: the files, the text and the settings, and what was measured. */
export interface LabRun {
  schemaVersion: 1;
  id: string;
  /** ISO-8601. */
  startedAt: string;
  finishedAt: string;
  /** `cancelled` / `failed` runs keep the files finished before they stopped. */
  status: 'done' | 'cancelled' | 'failed';
  error?: string;
  machine: LabMachine;
  /** Threads llama.cpp used. */
  threads: number;
  /** Tokens per chunk (llama-perplexity's n_ctx). */
  contextSize: number;
  chunks: number;
  /** Scored tokens per file: chunks × (n_ctx − 1 − n_ctx/2). */
  scoredTokens: number;
  text: { source: 'bundled' | 'file'; name: string; tokens: number; sha256: string };
  baseModelId: string;
  /** Base first, then the others in the order asked. */
  files: LabFileResult[];
  durationMs: number;
}

/** Progress of the running lab, streamed to the caller of `lab.run`. */
export interface LabProgress {
  runId: string;
  phase: 'tokenizing' | 'loading' | 'evaluating' | 'speed' | 'done';
  /** The file being measured, and its place in the run (1-based). */
  modelId: string;
  modelIndex: number;
  modelCount: number;
  /** Chunks of this file finished, of `chunks`. */
  chunk: number;
  chunks: number;
  /** Share of the whole run done, 0–1. */
  fraction: number;
  /** Estimated time left, ms; null until one chunk has been timed. */
  etaMs: number | null;
  elapsedMs: number;
}

/** Files that look like quantizations of one model (same architecture and parameter count). */
export interface LabGroup {
  key: string;
  /** `general.name` of the group's files (the most common one). */
  name: string;
  architecture: string;
  parameterCount: number;
  /** Largest (most precise) first. */
  models: { id: string; fileName: string; quantization: string; sizeBytes: number; bitsPerWeight: number | null }[];
}

/** `lab.export`: a run as a file to save. */
export interface LabExport {
  fileName: string;
  mimeType: string;
  text: string;
}

/**
 * Measured quality of one file, for the recommendation: from the newest run on this machine that
 * compared it with a more precise file of the same model.
 */
export interface LabQuality {
  kldMean: number;
  pplRatio: number;
  sameTopPercent: number;
  source: { runId: string; baseModelId: string; measuredAt: string; contextSize: number; scoredTokens: number };
}
