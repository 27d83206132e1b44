/**
 * How much quality a quantization type costs, before anyone measured this model: a prior from
 * published measurements, cited below, used by the recommendation until the quantization lab has
 * measured the files (then {@link withMeasurements} puts the lab's numbers first).
 *
 * Quality loss = perplexity increase over F16 on the same text, in % (PPL ratio − 1). KL
 * divergence is kept beside it where the source gives it.
 */
import type { QualityLoss } from '../../../shared/benchDto';

/** What a quality lookup knows about a file. */
export interface QualityQuery {
  /** Quantization as llama.cpp or the file name says it (`Q4_K_M`, `q4_k`, `F16`, `IQ4_XS`). */
  quantization: string;
  /** File size over parameters; used only to estimate a type the table does not list. 0 = unknown. */
  bitsPerWeight: number;
  /** Weights of the model, when known: picks the source whose model is nearer in size. */
  parameterCount?: number | undefined;
  /** The file (library id, or `owner/repo/file` for a remote one): what a measurement is kept by. */
  fileKey?: string;
}

/** Quality loss of a file, or null when nothing is known. Lab results implement this too. */
export type QualityLookup = (query: QualityQuery) => QualityLoss | null;

/** Measured numbers first (the quantization lab), the prior for anything not measured. */
export function withMeasurements(measured: QualityLookup, fallback: QualityLookup = priorQuality): QualityLookup {
  return (query) => measured(query) ?? fallback(query);
}

/**
 * Source A: llama.cpp's `tools/perplexity/README.md`, "LLaMA 3 8b Scoreboard" (revision f364eb6f,
 * Wikitext-2, CUDA), as bundled with llama.cpp v0.5.0's source (the release node-llama-cpp 3.22.1
 * builds). Columns ΔPPL and KLD, rows without an importance matrix; the IQ types exist only with
 * one, so their rows are the "WT 10m" ones. The base perplexity is the f16 row's PPL minus its
 * ΔPPL (that row's ΔPPL is only the stored logits' 16-bit rounding): 6.233160 − 0.001524.
 * `sizeGiB` is the table's model size, used to place each type by bits per weight.
 */
const LLAMA3_8B = {
  basis: "llama.cpp's perplexity scoreboard for LLaMA 3 8B (tools/perplexity/README.md)",
  parameters: 8.03e9,
  basePpl: 6.23316 - 0.001524,
  rows: {
    Q8_0: { sizeGiB: 7.96, deltaPpl: 0.00265, kld: 0.001355 },
    Q6_K: { sizeGiB: 6.14, deltaPpl: 0.021748, kld: 0.005452 },
    Q5_K_M: { sizeGiB: 5.33, deltaPpl: 0.056974, kld: 0.010762 },
    Q5_K_S: { sizeGiB: 5.21, deltaPpl: 0.104964, kld: 0.016595 },
    Q5_1: { sizeGiB: 5.65, deltaPpl: 0.106223, kld: 0.018045 },
    Q5_0: { sizeGiB: 5.21, deltaPpl: 0.131591, kld: 0.022239 },
    Q4_K_M: { sizeGiB: 4.58, deltaPpl: 0.175482, kld: 0.031273 },
    Q4_K_S: { sizeGiB: 4.37, deltaPpl: 0.268895, kld: 0.043136 },
    IQ4_NL: { sizeGiB: 4.35, deltaPpl: 0.223959, kld: 0.035742 },
    IQ4_XS: { sizeGiB: 4.14, deltaPpl: 0.228071, kld: 0.036334 },
    Q4_1: { sizeGiB: 4.78, deltaPpl: 0.451103, kld: 0.071683 },
    Q4_0: { sizeGiB: 4.34, deltaPpl: 0.468514, kld: 0.07194 },
    Q3_K_L: { sizeGiB: 4.03, deltaPpl: 0.556242, kld: 0.087176 },
    Q3_K_M: { sizeGiB: 3.74, deltaPpl: 0.656864, kld: 0.101913 },
    IQ3_M: { sizeGiB: 3.53, deltaPpl: 0.666694, kld: 0.102534 },
    IQ3_S: { sizeGiB: 3.42, deltaPpl: 0.733867, kld: 0.111278 },
    IQ3_XS: { sizeGiB: 3.28, deltaPpl: 0.931409, kld: 0.138693 },
    IQ3_XXS: { sizeGiB: 3.05, deltaPpl: 1.226803, kld: 0.183625 },
    Q3_K_S: { sizeGiB: 3.41, deltaPpl: 1.632152, kld: 0.228217 },
    IQ2_M: { sizeGiB: 2.74, deltaPpl: 2.369166, kld: 0.325989 },
    Q2_K: { sizeGiB: 2.96, deltaPpl: 3.519934, kld: 0.445132 },
    IQ2_S: { sizeGiB: 2.56, deltaPpl: 3.419148, kld: 0.439197 },
    IQ2_XS: { sizeGiB: 2.43, deltaPpl: 4.529791, kld: 0.54629 },
    IQ2_XXS: { sizeGiB: 2.24, deltaPpl: 7.860148, kld: 0.812022 },
    IQ1_M: { sizeGiB: 2.01, deltaPpl: 19.262089, kld: 1.393084 },
    IQ1_S: { sizeGiB: 1.88, deltaPpl: 54.462959, kld: 2.254554 },
  } as Record<string, { sizeGiB: number; deltaPpl: number; kld: number }>,
};

/**
 * Source B: the case study issue 17 of Hearth is built on (Qwen2.5-0.5B on a laptop CPU,
 * llama.cpp's llama-perplexity): PPL vs F16 and mean KLD. Its "Q4_K" is llama-quantize's alias of
 * Q4_K_M. Used for models nearer 0.5B than 8B parameters, where quantization hurts more.
 */
const QWEN25_05B = {
  basis: 'the Qwen2.5-0.5B case study of Hearth issue 17 (llama-perplexity)',
  parameters: 0.49e9,
  rows: {
    Q6_K: { percent: 0.9, kld: 0.004 },
    Q4_K_M: { percent: 3.5, kld: 0.03 },
    Q2_K: { percent: 10.4, kld: 0.112 },
  } as Record<string, { percent: number; kld: number }>,
};

/** Full-precision types: the reference itself. */
const FULL_PRECISION = new Set(['F32', 'F16', 'BF16']);
/** llama-quantize's aliases (`Q4_K` is built as Q4_K_M, and so on). */
const ALIASES: Record<string, string> = { Q3_K: 'Q3_K_M', Q4_K: 'Q4_K_M', Q5_K: 'Q5_K_M', FP16: 'F16', FP32: 'F32' };

function normalize(quantization: string): string {
  const upper = quantization.trim().toUpperCase().replace(/^(MOSTLY|ALL)_/, '');
  return ALIASES[upper] ?? upper;
}

function fromLlama3(type: string): QualityLoss | null {
  const row = LLAMA3_8B.rows[type];
  if (!row) return null;
  return { percent: (row.deltaPpl / LLAMA3_8B.basePpl) * 100, kldMean: row.kld, source: 'prior', basis: LLAMA3_8B.basis };
}

/** The cited prior for this file's quantization type, else an estimate from its bits per weight. */
export const priorQuality: QualityLookup = (query) => {
  const type = normalize(query.quantization);
  if (FULL_PRECISION.has(type)) return { percent: 0, source: 'prior', basis: 'full precision: the reference itself' };
  const small = QWEN25_05B.rows[type];
  // Nearer in log scale: below the geometric mean of the two models' sizes (about 2B), the small model's numbers.
  const nearSmall = query.parameterCount !== undefined && query.parameterCount > 0 && query.parameterCount < Math.sqrt(QWEN25_05B.parameters * LLAMA3_8B.parameters);
  if (small && nearSmall) return { percent: small.percent, kldMean: small.kld, source: 'prior', basis: QWEN25_05B.basis };
  return fromLlama3(type) ?? estimateByBits(query.bitsPerWeight);
};

/** Source A's K-quant and legacy rows as (bits per weight, loss %) points, most bits first. */
const POINTS = Object.entries(LLAMA3_8B.rows)
  .filter(([type]) => !type.startsWith('IQ'))
  .map(([type, row]) => ({ bits: (row.sizeGiB * 2 ** 30 * 8) / LLAMA3_8B.parameters, percent: fromLlama3(type)!.percent }))
  .sort((a, b) => b.bits - a.bits);

/**
 * A type the table does not list (TQ1_0, MXFP4, a new one): the loss of its neighbours by bits
 * per weight, linearly in between; at or above 16 bits none. Null without a bits-per-weight figure.
 */
function estimateByBits(bits: number): QualityLoss | null {
  if (!(bits > 0)) return null;
  const basis = `estimated from its ${bits.toFixed(2)} bits per weight with ${LLAMA3_8B.basis}`;
  if (bits >= 16) return { percent: 0, source: 'estimated', basis };
  const upper = [{ bits: 16, percent: 0 }, ...POINTS];
  for (let i = 0; i + 1 < upper.length; i++) {
    const high = upper[i]!;
    const low = upper[i + 1]!;
    if (bits <= high.bits && bits >= low.bits) {
      const share = high.bits === low.bits ? 0 : (high.bits - bits) / (high.bits - low.bits);
      return { percent: high.percent + share * (low.percent - high.percent), source: 'estimated', basis };
    }
  }
  return { percent: POINTS.at(-1)!.percent, source: 'estimated', basis };
}
