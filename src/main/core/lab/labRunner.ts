/**
 * One run of the quantization lab, host side: a dedicated engine process (the user's loaded model
 * is never touched) measures the files one after another, the base first.
 *
 * The method is llama.cpp's `llama-perplexity`: the text is tokenized once (BOS in front), cut
 * into chunks of n_ctx tokens, each chunk evaluated from an empty cache with its first token
 * replaced by BOS, and the second half scored. The base model's log-probabilities are written
 * once, in llama-perplexity's own `--kl-divergence-base` file format (so its `--kl-divergence`
 * can read a file Hearth wrote), and every other file is compared with them.
 */
import { rm } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';
import type { LabFileResult, LabProgress } from '../../../shared/labDto';
import { EngineClient } from '../engine/engineClient';
import type { EngineLauncher } from '../engine/engineProcess';
import type { LabAction, LabChunkResult, LabLoadResult, LabResultOf } from '../engine/labOp';
import type { Logger } from '../logging/logger';
import { patchVocab, recordOffset, scoredPerChunk, writeHeader } from './baseLogitsFile';

export { scoredPerChunk };
import { addKldSums, emptyKldSums, summarizeKld, summarizePerplexity, type KldSums } from './klDivergence';

/** One file to measure, as the library knows it. */
export interface LabFileInput {
  modelId: string;
  path: string;
  fileName: string;
  quantization: string;
  sizeBytes: number;
  parameterCount: number | null;
}

export interface LabPlan {
  runId: string;
  /** The base first. */
  files: LabFileInput[];
  contextSize: number;
  /** At most this many chunks; default all the text holds. */
  maxChunks?: number | undefined;
  text: string;
  /** Where the base log-probabilities are written (deleted after the run unless `keepLogits`). */
  logitsFile: string;
  keepLogits?: boolean;
  threads: number;
}

export interface LabRunnerDeps {
  launchEngine: EngineLauncher;
  logger: Logger;
}

export interface LabOutcome {
  files: LabFileResult[];
  tokens: number;
  chunks: number;
  scoredTokens: number;
  threads: number;
  /** Set when the run stopped early (cancelled or failed); `files` holds the ones finished. */
  stopped?: { status: 'cancelled' | 'failed'; error: string; cause: unknown };
}

/** llama-bench's default test sizes. */
const PP_TOKENS = 512;
const TG_TOKENS = 128;

export async function runLab(
  plan: LabPlan,
  deps: LabRunnerDeps,
  options: { signal: AbortSignal; onProgress(progress: LabProgress): void },
): Promise<LabOutcome> {
  // A fresh process per file: load time and RAM are then measured from the same clean start
  // (an allocator keeps what the previous model freed), and no state leaks from file to file.
  let client: EngineClient | undefined;
  const call = <A extends LabAction>(action: A) => {
    if (options.signal.aborted) return Promise.reject(new AppError('BUSY', 'Cancelled.'));
    client ??= new EngineClient({ launch: deps.launchEngine, logger: deps.logger, onStatus: () => {}, onLoadProgress: () => {} });
    return client.call({ op: 'lab', ...action }) as Promise<LabResultOf<A>>;
  };
  const endProcess = async (reason: string): Promise<void> => {
    const ending = client;
    client = undefined;
    await ending?.dispose(reason);
  };
  // A chunk of a big model can take minutes: cancelling ends the lab's own process at once.
  const onAbort = (): void => void client?.dispose('The lab run was cancelled.');
  options.signal.addEventListener('abort', onAbort, { once: true });
  const started = performance.now();
  const files: LabFileResult[] = [];
  let chunks = 0;
  let tokens: number[] = [];
  let threads = plan.threads;
  const progress = (phase: LabProgress['phase'], index: number, chunk: number): void => {
    const total = plan.files.length * Math.max(1, chunks);
    const done = index * Math.max(1, chunks) + chunk;
    const fraction = Math.min(1, done / total);
    const elapsedMs = performance.now() - started;
    options.onProgress({
      runId: plan.runId,
      phase,
      modelId: plan.files[index]?.modelId ?? '',
      modelIndex: index + 1,
      modelCount: plan.files.length,
      chunk,
      chunks,
      fraction,
      etaMs: done > 0 ? (elapsedMs / done) * (total - done) : null,
      elapsedMs,
    });
  };

  let baseSums = { nll: 0, nll2: 0, count: 0 };
  let nVocab = 0;
  try {
    for (const [index, file] of plan.files.entries()) {
      const isBase = index === 0;
      progress('loading', index, 0);
      const load = await call({ action: 'load', modelPath: file.path, contextSize: plan.contextSize, threads: plan.threads });
      threads = load.threads;
      if (isBase) {
        progress('tokenizing', index, 0);
        tokens = (await call({ action: 'tokenize', text: plan.text })).tokens;
        chunks = countChunks(tokens.length, plan.contextSize, plan.maxChunks);
        await writeHeader(plan.logitsFile, plan.contextSize, chunks, tokens);
      }
      let evalMs = 0;
      let nll = 0;
      let nll2 = 0;
      let count = 0;
      const sums = emptyKldSums();
      const kldValues: number[] = [];
      for (let c = 0; c < chunks; c++) {
        progress('evaluating', index, c);
        const chunk = chunkTokens(tokens, c, plan.contextSize, load);
        const result: LabChunkResult = isBase
          ? await call({ action: 'chunk', tokens: chunk, base: { mode: 'write', file: plan.logitsFile } })
          : await call({ action: 'chunk', tokens: chunk, base: { mode: 'compare', file: plan.logitsFile, offset: recordOffset(c, chunks, plan.contextSize, nVocab) } });
        if (isBase && c === 0) {
          nVocab = result.nVocab;
          await patchVocab(plan.logitsFile, nVocab);
        } else if (result.nVocab !== nVocab) {
          throw new AppError('BAD_REQUEST', `${file.fileName} has ${result.nVocab} tokens in its vocabulary and ${plan.files[0]!.fileName} ${nVocab}: they are not files of one model.`);
        }
        evalMs += result.evalMs;
        nll += result.sumNll;
        nll2 += result.sumNll2;
        count += result.count;
        if (result.kld) addKldSums(sums, result.kld);
        if (result.kldValues) kldValues.push(...result.kldValues);
      }
      progress('speed', index, chunks);
      const speed = await call({ action: 'speed', promptTokens: PP_TOKENS, generateTokens: TG_TOKENS });
      await call({ action: 'unload' });
      await endProcess('The lab moves to the next file.');
      if (isBase) baseSums = { nll, nll2, count };
      files.push(fileResult(file, isBase, load, speed, evalMs, baseSums, sums, kldValues));
    }
    progress('done', plan.files.length - 1, chunks);
    return { files, tokens: tokens.length, chunks, scoredTokens: chunks * scoredPerChunk(plan.contextSize), threads };
  } catch (error) {
    const cancelled = options.signal.aborted;
    const message = cancelled ? 'Cancelled.' : error instanceof Error ? error.message : String(error);
    if (!cancelled) deps.logger.warn('lab run failed', { error: message });
    return { files, tokens: tokens.length, chunks, scoredTokens: chunks * scoredPerChunk(plan.contextSize), threads, stopped: { status: cancelled ? 'cancelled' : 'failed', error: message, cause: error } };
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    await endProcess('The lab run ended.');
    if (!plan.keepLogits) await rm(plan.logitsFile, { force: true });
  }
}

/** Chunks llama-perplexity would use; it refuses a text shorter than two chunks, and so does the lab. */
export function countChunks(tokenCount: number, contextSize: number, maxChunks?: number): number {
  if (tokenCount < 2 * contextSize) {
    throw new AppError(
      'BAD_REQUEST',
      `The text is ${tokenCount} tokens; chunks of ${contextSize} need at least ${2 * contextSize}. Use a longer text or a smaller context.`,
    );
  }
  const all = Math.floor(tokenCount / contextSize);
  return maxChunks !== undefined ? Math.min(maxChunks, all) : all;
}

/** Chunk `c` of the text, its first token replaced by BOS when the model puts one in front. */
export function chunkTokens(tokens: readonly number[], c: number, contextSize: number, load: Pick<LabLoadResult, 'addBos' | 'bos'>): number[] {
  const chunk = tokens.slice(c * contextSize, (c + 1) * contextSize);
  if (load.addBos && load.bos !== null) chunk[0] = load.bos;
  return chunk;
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const p = fraction * (sorted.length - 1);
  const i = Math.floor(p);
  const rest = p - i;
  return (1 - rest) * sorted[i]! + rest * sorted[Math.min(i + 1, sorted.length - 1)]!;
}

function fileResult(
  file: LabFileInput,
  isBase: boolean,
  load: LabLoadResult,
  speed: { ppTokensPerSecond: number; tgTokensPerSecond: number },
  evalMs: number,
  /** The base pass's exact negative log-likelihood sums. */
  base: { nll: number; nll2: number; count: number },
  sums: KldSums,
  kldValues: number[],
): LabFileResult {
  const common = {
    modelId: file.modelId,
    fileName: file.fileName,
    quantization: file.quantization,
    size: file.sizeBytes,
    bitsPerWeight: file.parameterCount ? (file.sizeBytes * 8) / file.parameterCount : null,
    isBase,
    loadMs: load.loadMs,
    ramBytes: load.ramBytes,
    vramBytes: load.vramBytes,
    ppTokensPerSecond: speed.ppTokensPerSecond,
    tgTokensPerSecond: speed.tgTokensPerSecond,
    evalMs,
  };
  if (isBase) {
    const { ppl, pplStderr } = summarizePerplexity(base.nll, base.nll2, base.count);
    const reference = { pplRatio: 1, pplRatioStderr: 0, kldMean: 0, kldStderr: 0, kldMedian: 0, kld99: 0, kldMax: 0 };
    return { ...common, ppl, pplStderr, ...reference, sameTopPercent: 100, sameTopStderrPercent: 0, rmsDeltaP: 0, rmsDeltaPStderr: 0 };
  }
  const summary = summarizeKld(sums);
  const sorted = [...kldValues].sort((a, b) => a - b);
  return {
    ...common,
    ppl: summary.ppl,
    pplStderr: summary.pplStderr,
    // Divided by the base's exact perplexity. llama-perplexity divides by one recomputed from the
    // 16-bit stored log-probs, which clips any token more than 16 nats below the top: the same
    // unless such a token is scored. The uncertainty is llama.cpp's (correlated log-likelihoods).
    pplRatio: summary.ppl / summarizePerplexity(base.nll, base.nll2, base.count).ppl,
    pplRatioStderr: summary.pplRatioStderr,
    kldMean: summary.kldMean,
    kldStderr: summary.kldStderr,
    kldMedian: percentile(sorted, 0.5),
    kld99: percentile(sorted, 0.99),
    kldMax: sorted.at(-1) ?? 0,
    sameTopPercent: summary.sameTopPercent,
    sameTopStderrPercent: summary.sameTopStderrPercent,
    rmsDeltaP: 100 * summary.rmsDeltaP,
    rmsDeltaPStderr: 100 * summary.rmsDeltaPStderr,
  };
}
