/**
 * The arithmetic of llama.cpp's `llama-perplexity --kl-divergence-base / --kl-divergence`
 * (tools/perplexity/perplexity.cpp), reproduced step by step so Hearth's numbers can be checked
 * against it and its base files read by it:
 *
 * * the base model's log-probabilities are stored per scored token as `nv = 2·⌈n_vocab/2⌉ + 4`
 *   uint16 values: two float32 (scale, min log-prob), then every token's log-prob quantized
 *   linearly to 16 bits over a window of 16 nats below the top logit (lower ones store 0);
 * * a quantized model's distribution is compared with the stored one: KL divergence over the
 *   tokens whose base log-prob is above −16, whether the top token is the same, and the
 *   difference of the probability given to the actual next token (Δp).
 *
 * float32 steps are kept where llama.cpp computes in float (`Math.fround`), so a file written here
 * matches one written by llama.cpp to the last bit but for the odd rounding of `expf`.
 */

const f = Math.fround;

/** uint16 slots of one scored token in a base file. */
export function recordSlots(nVocab: number): number {
  return 2 * Math.floor((nVocab + 1) / 2) + 4;
}

/** llama.cpp's `nearest_int`: round to nearest, ties to even (the float magic-number trick). */
function nearestInt(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** max, its index (first one), min, and the log of Σ exp(logit − max), as llama.cpp computes them. */
function softmaxParts(logits: Float32Array): { max: number; argmax: number; min: number; logSumExp: number } {
  let max = logits[0]!;
  let min = max;
  let argmax = 0;
  for (let i = 1; i < logits.length; i++) {
    const v = logits[i]!;
    if (v > max) {
      max = v;
      argmax = i;
    }
    if (v < min) min = v;
  }
  let sumExp = 0;
  for (let i = 0; i < logits.length; i++) sumExp += f(Math.exp(f(logits[i]! - max)));
  return { max, argmax, min, logSumExp: f(Math.log(sumExp)) };
}

/**
 * Writes the compressed log-probabilities of one position into `out` (length {@link recordSlots})
 * and returns the negative log-likelihood of `token`, as the base pass does.
 */
export function compressLogProbs(logits: Float32Array, token: number, out: Uint16Array): number {
  const { max, logSumExp, min: rawMin } = softmaxParts(logits);
  const min = Math.max(rawMin, f(max - 16));
  const minLogProb = f(f(min - max) - logSumExp);
  const scale = f(f(max - min) / 65535);
  const header = new Float32Array(out.buffer, out.byteOffset, 2);
  header[0] = scale;
  header[1] = minLogProb;
  const values = out.subarray(4);
  if (scale) {
    const inverse = f(1 / scale);
    for (let i = 0; i < logits.length; i++) {
      const v = logits[i]!;
      values[i] = v > min ? nearestInt(f(inverse * f(v - min))) : 0;
    }
  } else {
    values.fill(0, 0, logits.length);
  }
  return f(f(max + logSumExp) - logits[token]!);
}

/** Running sums of one comparison, as llama.cpp's `kl_divergence_result` (all additive across chunks). */
export interface KldSums {
  sumNll: number;
  sumNll2: number;
  sumNllBase: number;
  sumNllBase2: number;
  sumNllNllBase: number;
  sumKld: number;
  sumKld2: number;
  sumPDiff: number;
  sumPDiff2: number;
  sumPDiff4: number;
  maxPDiff: number;
  sameTop: number;
  count: number;
}

export function emptyKldSums(): KldSums {
  return {
    sumNll: 0,
    sumNll2: 0,
    sumNllBase: 0,
    sumNllBase2: 0,
    sumNllNllBase: 0,
    sumKld: 0,
    sumKld2: 0,
    sumPDiff: 0,
    sumPDiff2: 0,
    sumPDiff4: 0,
    maxPDiff: 0,
    sameTop: 0,
    count: 0,
  };
}

export function addKldSums(into: KldSums, more: KldSums): KldSums {
  for (const key of Object.keys(into) as (keyof KldSums)[]) {
    into[key] = key === 'maxPDiff' ? Math.max(into.maxPDiff, more.maxPDiff) : into[key] + more[key];
  }
  return into;
}

/**
 * Compares one position of the model under test (`logits`) with the stored base record; adds to
 * `sums` and returns this position's KL divergence.
 */
export function compareWithBase(logits: Float32Array, record: Uint16Array, token: number, sums: KldSums): number {
  const { max, argmax, logSumExp } = softmaxParts(logits);
  const header = new Float32Array(record.buffer, record.byteOffset, 2);
  const scale = header[0]!;
  const minLogProb = header[1]!;
  const base = record.subarray(4);

  const nll = f(f(max + logSumExp) - logits[token]!);
  sums.sumNll += nll;
  sums.sumNll2 += f(nll * nll);
  const nllBase = f(-f(f(scale * base[token]!) + minLogProb));
  sums.sumNllBase += nllBase;
  sums.sumNllBase2 += f(nllBase * nllBase);
  sums.sumNllNllBase += f(nll * nllBase);

  const logNorm = f(max + logSumExp);
  let kld = 0;
  let argmaxBase = -1;
  let maxLogBase = 0;
  for (let i = 0; i < logits.length; i++) {
    const logBase = f(f(scale * base[i]!) + minLogProb);
    if (i === 0 || logBase > maxLogBase) {
      maxLogBase = logBase;
      argmaxBase = i;
    }
    if (logBase > -16) kld += f(f(Math.exp(logBase)) * f(f(logBase - logits[i]!) + logNorm));
  }
  sums.sumKld += kld;
  sums.sumKld2 += kld * kld;
  sums.count++;
  if (argmax === argmaxBase) sums.sameTop++;

  const pDiff = f(f(Math.exp(-nll)) - f(Math.exp(-nllBase)));
  const pDiff2 = pDiff * pDiff;
  sums.sumPDiff += pDiff;
  sums.sumPDiff2 += pDiff2;
  sums.sumPDiff4 += pDiff2 * pDiff2;
  sums.maxPDiff = Math.max(sums.maxPDiff, Math.abs(pDiff));
  return kld;
}

/** A mean and its standard error, as llama.cpp's `mean_and_uncertainty` (no error below 11 values). */
export function meanAndUncertainty(sum: number, sum2: number, count: number): { mean: number; stderr: number } {
  if (count < 1) return { mean: 0, stderr: 0 };
  const mean = sum / count;
  const variance = sum2 / count - mean * mean;
  return { mean, stderr: variance > 0 && count > 10 ? Math.sqrt(variance / (count - 1)) : 0 };
}

function covariance(sumA: number, sumB: number, sumAB: number, count: number): number {
  if (count < 10) return 0;
  return (sumAB / count - (sumA / count) * (sumB / count)) / (count - 1);
}

/** The statistics `llama-perplexity --kl-divergence` prints, from the running sums. */
export interface KldSummary {
  ppl: number;
  pplStderr: number;
  pplBase: number;
  /** PPL(Q)/PPL(base) and its uncertainty (through the correlated log-likelihoods). */
  pplRatio: number;
  pplRatioStderr: number;
  kldMean: number;
  kldStderr: number;
  /** RMS of Δp, as a fraction (×100 for %). */
  rmsDeltaP: number;
  rmsDeltaPStderr: number;
  meanDeltaP: number;
  maxDeltaP: number;
  /** How often the top token is the same, in percent. */
  sameTopPercent: number;
  sameTopStderrPercent: number;
  /** Scored tokens. */
  count: number;
}

export function summarizeKld(sums: KldSums): KldSummary {
  const { count } = sums;
  const logPpl = meanAndUncertainty(sums.sumNll, sums.sumNll2, count);
  const logPplBase = meanAndUncertainty(sums.sumNllBase, sums.sumNllBase2, count);
  const cov = covariance(sums.sumNll, sums.sumNllBase, sums.sumNllNllBase, count);
  const logRatio = logPpl.mean - logPplBase.mean;
  const logRatioStderr = Math.sqrt(Math.max(0, logPpl.stderr ** 2 + logPplBase.stderr ** 2 - 2 * cov));
  const ppl = Math.exp(logPpl.mean);
  const pplRatio = Math.exp(logRatio);
  const kld = meanAndUncertainty(sums.sumKld, sums.sumKld2, count);
  const mse = meanAndUncertainty(sums.sumPDiff2, sums.sumPDiff4, count);
  const rms = Math.sqrt(mse.mean);
  const pTop = count > 0 ? sums.sameTop / count : 0;
  return {
    ppl,
    pplStderr: ppl * logPpl.stderr,
    pplBase: Math.exp(logPplBase.mean),
    pplRatio,
    pplRatioStderr: pplRatio * logRatioStderr,
    kldMean: kld.mean,
    kldStderr: kld.stderr,
    rmsDeltaP: rms,
    rmsDeltaPStderr: rms > 0 ? (0.5 / rms) * mse.stderr : 0,
    meanDeltaP: count > 0 ? sums.sumPDiff / count : 0,
    maxDeltaP: sums.maxPDiff,
    sameTopPercent: 100 * pTop,
    sameTopStderrPercent: count > 1 ? 100 * Math.sqrt((pTop * (1 - pTop)) / (count - 1)) : 0,
    count,
  };
}

/** Perplexity of the base pass and its uncertainty, as llama.cpp's "Final estimate: PPL = x ± y". */
export function summarizePerplexity(sumNll: number, sumNll2: number, count: number): { ppl: number; pplStderr: number } {
  if (count < 1) return { ppl: Number.NaN, pplStderr: 0 };
  const mean = sumNll / count;
  const variance = sumNll2 / count - mean * mean;
  const ppl = Math.exp(mean);
  return { ppl, pplStderr: variance > 0 && count > 1 ? Math.sqrt(variance / (count - 1)) * ppl : 0 };
}
