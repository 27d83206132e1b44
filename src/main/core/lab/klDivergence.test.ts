import { describe, expect, it } from 'vitest';
import { compareWithBase, compressLogProbs, emptyKldSums, meanAndUncertainty, recordSlots, summarizeKld } from './klDivergence';

// Pseudo-random logits, fixed seed: the arithmetic checked against plain double-precision formulas.
function logits(n: number, seed: number, spread = 4): Float32Array {
  let state = seed;
  const next = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  return Float32Array.from({ length: n }, () => (next() - 0.5) * 2 * spread);
}
function logSoftmax(values: Float32Array): number[] {
  const max = Math.max(...values);
  const lse = max + Math.log(values.reduce((sum, v) => sum + Math.exp(v - max), 0));
  return Array.from(values, (v) => v - lse);
}

describe('llama-perplexity arithmetic', () => {
  it('stores 2 floats then n_vocab uint16 rounded up to even', () => {
    expect(recordSlots(400)).toBe(404);
    expect(recordSlots(401)).toBe(406);
    expect(recordSlots(49152)).toBe(49156);
  });

  it('compresses log-probs to 16 bits within half a step, and returns the exact NLL', () => {
    const values = logits(1000, 7);
    const record = new Uint16Array(recordSlots(1000));
    const nll = compressLogProbs(values, 123, record);
    const exact = logSoftmax(values);
    expect(nll).toBeCloseTo(-exact[123]!, 5);
    const [scale, minLogProb] = new Float32Array(record.buffer, 0, 2);
    for (let i = 0; i < 1000; i++) expect(Math.abs(scale! * record[4 + i]! + minLogProb! - exact[i]!)).toBeLessThanOrEqual(scale! * 0.51 + 1e-6);
  });

  it('clips log-probs more than 16 nats below the top to the floor', () => {
    const values = Float32Array.from([10, 9, -20, 8]);
    const record = new Uint16Array(recordSlots(4));
    compressLogProbs(values, 0, record);
    expect(record[4 + 2]).toBe(0);
    expect(record[4 + 0]).toBe(65535);
  });

  it('gives a distribution against itself a KL divergence of ~0 and the same top token', () => {
    const values = logits(5000, 3);
    const record = new Uint16Array(recordSlots(5000));
    compressLogProbs(values, 10, record);
    const sums = emptyKldSums();
    const kld = compareWithBase(values, record, 10, sums);
    expect(Math.abs(kld)).toBeLessThan(1e-6);
    expect(sums.sameTop).toBe(1);
    expect(sums.sumNll).toBeCloseTo(sums.sumNllBase, 4);
  });

  it('matches the exact KL divergence of two different distributions', () => {
    const base = logits(2000, 11);
    const other = Float32Array.from(base, (v, i) => v + (logits(2000, 12, 0.3)[i] ?? 0));
    const record = new Uint16Array(recordSlots(2000));
    compressLogProbs(base, 5, record);
    const sums = emptyKldSums();
    const kld = compareWithBase(other, record, 5, sums);
    const p = logSoftmax(base);
    const q = logSoftmax(other);
    const exact = p.reduce((sum, lp, i) => sum + Math.exp(lp) * (lp - q[i]!), 0);
    expect(kld).toBeGreaterThan(0);
    expect(Math.abs(kld / exact - 1)).toBeLessThan(1e-3);
  });

  it('summarises like llama.cpp: no uncertainty below 11 values, percentages for top-token agreement', () => {
    expect(meanAndUncertainty(10, 30, 5)).toEqual({ mean: 2, stderr: 0 });
    const sums = { ...emptyKldSums(), count: 100, sameTop: 90, sumKld: 1, sumKld2: 0.02, sumNll: 200, sumNll2: 420, sumNllBase: 190, sumNllBase2: 380, sumNllNllBase: 395 };
    const summary = summarizeKld(sums);
    expect(summary.sameTopPercent).toBe(90);
    expect(summary.sameTopStderrPercent).toBeCloseTo(100 * Math.sqrt((0.9 * 0.1) / 99), 10);
    expect(summary.kldMean).toBeCloseTo(0.01, 12);
    expect(summary.kldStderr).toBeCloseTo(Math.sqrt((0.02 / 100 - 0.0001) / 99), 12);
    expect(summary.ppl).toBeCloseTo(Math.exp(2), 10);
  });
});
