/**
 * The quantization lab's engine operation (worker side). The lab runs in an engine process of its
 * own, one model after another, so the user's loaded model is never touched; the host
 * (core/lab/labRunner.ts) drives it one small call at a time: load, tokenize, one chunk, speed,
 * unload. A call never outlives its deadline, and cancelling needs no message: the host just
 * stops calling and ends the process.
 *
 * A chunk is scored as llama.cpp's `llama-perplexity` does: evaluated from an empty cache, the
 * logits of the second half read in full, and either written to the base file (the base model,
 * compressed as llama.cpp does) or compared with it (every other model).
 */
import {
  getLlama,
  LlamaLogLevel,
  type ControlledEvaluateInputItem,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { AppError } from '../../../shared/errors';
import { llamaBinaryOptions } from './llamaBinary';
import { appendRecords, readRecords } from '../lab/baseLogitsFile';
import { compareWithBase, compressLogProbs, emptyKldSums, recordSlots, type KldSums } from '../lab/klDivergence';
import { releasingFailedContext } from './nodeLlamaInternals';

export type LabAction =
  | { action: 'load'; modelPath: string; contextSize: number; threads: number }
  | { action: 'tokenize'; text: string }
  | {
      action: 'chunk';
      /** The chunk's tokens, BOS already in place; the second half is scored. */
      tokens: number[];
      /** `write`: append this chunk's base records to `file`; `compare`: read them at `offset` (bytes) and compare. */
      base: { mode: 'write'; file: string } | { mode: 'compare'; file: string; offset: number };
    }
  | { action: 'speed'; promptTokens: number; generateTokens: number }
  | { action: 'unload' };

export type LabRequest = { op: 'lab' } & LabAction;

export interface LabLoadResult {
  loadMs: number;
  /** Growth of this process's RSS and of used VRAM over the load (weights touched once), in bytes. */
  ramBytes: number;
  vramBytes: number;
  contextSize: number;
  threads: number;
  gpuLayers: number;
  /** Whether llama.cpp puts a BOS token in front of a text (each chunk then starts with it). */
  addBos: boolean;
  bos: number | null;
}
export interface LabChunkResult {
  nVocab: number;
  /** Scored tokens in this chunk. */
  count: number;
  /** Negative log-likelihood sums of the exact logits (the perplexity of this model). */
  sumNll: number;
  sumNll2: number;
  /** Compare mode only: the comparison with the base, and each scored token's KL divergence. */
  kld?: KldSums;
  kldValues?: number[];
  evalMs: number;
}
export interface LabSpeedResult {
  ppTokensPerSecond: number;
  tgTokensPerSecond: number;
}

export type LabResultOf<R extends LabAction> = R extends { action: 'load' }
  ? LabLoadResult
  : R extends { action: 'tokenize' }
    ? { tokens: number[] }
    : R extends { action: 'chunk' }
      ? LabChunkResult
      : R extends { action: 'speed' }
        ? LabSpeedResult
        : { unloaded: boolean };

interface Loaded {
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
}

export class LabOp {
  private llamaPromise: Promise<Llama> | undefined;
  private loaded: Loaded | undefined;

  constructor(private readonly options: { gpu: 'auto' | false; maxThreads: number }) {}

  private llama(): Promise<Llama> {
    // Only a lab process ever gets here, and it never runs the chat runtime: one Llama per process.
    this.llamaPromise ??= getLlama({
      ...llamaBinaryOptions(this.options.gpu),
      maxThreads: this.options.maxThreads,
      logLevel: LlamaLogLevel.error,
      logger: (level, message) => process.stderr.write(`[llama.cpp] ${level}: ${message.trim()}\n`),
      progressLogs: false,
    });
    return this.llamaPromise;
  }

  async handle(request: LabAction): Promise<unknown> {
    switch (request.action) {
      case 'load':
        return this.load(request);
      case 'tokenize': {
        const { model } = this.need();
        // llama.cpp tokenizes the whole text once, with BOS in front when the model wants one.
        const tokens = Array.from(model.tokenize(request.text, false));
        if (model.tokens.shouldPrependBosToken && model.tokens.bos !== null) tokens.unshift(model.tokens.bos);
        return { tokens };
      }
      case 'chunk':
        return this.chunk(request);
      case 'speed':
        return this.speed(request.promptTokens, request.generateTokens);
      case 'unload':
        return { unloaded: await this.unload() };
    }
  }

  private need(): Loaded {
    if (!this.loaded) throw new AppError('MODEL_NOT_LOADED', 'The lab has no model loaded.');
    return this.loaded;
  }

  private async load(request: Extract<LabAction, { action: 'load' }>): Promise<LabLoadResult> {
    await this.unload();
    const llama = await this.llama();
    const vramBefore = llama.gpu === false ? 0 : (await llama.getVramState()).used;
    const ramBefore = process.memoryUsage().rss;
    const started = performance.now();
    const model = await llama.loadModel({ modelPath: request.modelPath, gpuLayers: llama.gpu === false ? 0 : 'auto' }).catch((error: unknown) => {
      throw new AppError('MODEL_UNREADABLE', `llama.cpp could not load ${request.modelPath}: ${error instanceof Error ? error.message : String(error)}`);
    });
    try {
      // One chunk is one batch, as llama-perplexity's default batch (2048) holds a 512-token chunk.
      const context = await releasingFailedContext(model, () =>
        model.createContext({
          contextSize: request.contextSize,
          batchSize: request.contextSize,
          sequences: 1,
          threads: request.threads,
          flashAttention: true,
        }),
      );
      const sequence = context.getSequence();
      this.loaded = { model, context, sequence };
      const loadMs = performance.now() - started;
      // One decode touches every weight page, so RSS counts what running costs (as the chat load does).
      const warm = model.tokens.bos ?? model.tokenize(' ')[0];
      if (warm !== undefined) await sequence.controlledEvaluate([[warm, { generateNext: { token: true } }]]);
      await sequence.clearHistory();
      const vramAfter = llama.gpu === false ? 0 : (await llama.getVramState()).used;
      return {
        loadMs,
        ramBytes: Math.max(0, process.memoryUsage().rss - ramBefore),
        vramBytes: Math.max(0, vramAfter - vramBefore),
        contextSize: context.contextSize,
        threads: context.currentThreads,
        gpuLayers: model.gpuLayers,
        addBos: model.tokens.shouldPrependBosToken && model.tokens.bos !== null,
        bos: model.tokens.bos,
      };
    } catch (error) {
      this.loaded = undefined;
      await model.dispose();
      throw error;
    }
  }

  /** Evaluates one chunk from an empty cache and scores its second half (see the file comment). */
  private async chunk(request: Extract<LabAction, { action: 'chunk' }>): Promise<LabChunkResult> {
    const { sequence, context } = this.need();
    const n = request.tokens.length;
    if (n > context.contextSize) throw new AppError('BAD_REQUEST', `A chunk of ${n} tokens does not fit the lab's context of ${context.contextSize}.`);
    const first = Math.floor(n / 2);
    // Logits at position i predict token i + 1: positions first … n − 2 are scored.
    const scored = n - 1 - first;
    await sequence.clearHistory();
    const started = performance.now();
    const input = request.tokens.map((id, i): ControlledEvaluateInputItem => {
      const token = id as Token;
      return i >= first && i < n - 1 ? [token, { generateNext: { logits: true } }] : token;
    });
    const outputs = await sequence.controlledEvaluate(input);
    const evalMs = performance.now() - started;
    await sequence.clearHistory();

    let logits: Float32Array | undefined;
    let records: Uint16Array | undefined;
    let slots = 0;
    if (request.base.mode === 'compare') {
      const firstLogits = outputs[first]?.next.logits;
      if (!firstLogits) throw new AppError('ENGINE_ERROR', 'llama.cpp returned no logits for the chunk.');
      slots = recordSlots(firstLogits.size);
      records = await readRecords(request.base.file, request.base.offset, scored * slots);
    }
    let nVocab = 0;
    let sumNll = 0;
    let sumNll2 = 0;
    const kld = emptyKldSums();
    const kldValues: number[] = [];
    for (let k = 0; k < scored; k++) {
      const map = outputs[first + k]?.next.logits;
      if (!map) throw new AppError('ENGINE_ERROR', 'llama.cpp returned no logits for a scored token.');
      if (!logits) {
        nVocab = map.size;
        logits = new Float32Array(nVocab);
        slots = recordSlots(nVocab);
        records ??= new Uint16Array(scored * slots);
      } else if (map.size !== nVocab) {
        throw new AppError('ENGINE_ERROR', 'llama.cpp returned logits of varying length.');
      }
      // The map is sorted by logit; the arithmetic needs them by token id.
      for (const [token, value] of map) logits[token] = value;
      const next = request.tokens[first + k + 1]!;
      const record = records!.subarray(k * slots, (k + 1) * slots);
      if (request.base.mode === 'write') {
        const nll = compressLogProbs(logits, next, record);
        sumNll += nll;
        sumNll2 += nll * nll;
      } else {
        const before = kld.sumNll;
        kldValues.push(compareWithBase(logits, record, next, kld));
        const nll = kld.sumNll - before;
        sumNll += nll;
        sumNll2 += nll * nll;
      }
    }
    if (request.base.mode === 'write') await appendRecords(request.base.file, records!);
    return {
      nVocab,
      count: scored,
      sumNll,
      sumNll2,
      ...(request.base.mode === 'compare' ? { kld, kldValues } : {}),
      evalMs,
    };
  }

  /**
   * Prompt processing and generation speed, as llama-bench defines them: `promptTokens` evaluated
   * as one batch from an empty cache, then `generateTokens` decoded one at a time.
   */
  private async speed(promptTokens: number, generateTokens: number): Promise<LabSpeedResult> {
    const { sequence, model, context } = this.need();
    const count = Math.min(promptTokens, context.contextSize - 1);
    // Speed does not depend on which tokens: a sentence repeated to length.
    const sentence = model.tokenize('The quick brown fox jumps over the lazy dog. ', false);
    const prompt = Array.from({ length: count }, (_, i) => sentence[i % sentence.length]!);
    await sequence.clearHistory();
    let started = performance.now();
    const input: ControlledEvaluateInputItem[] = prompt.map((token, i) => (i === count - 1 ? [token, { generateNext: { token: true } }] : token));
    await sequence.controlledEvaluate(input);
    const ppMs = performance.now() - started;
    await sequence.clearHistory();
    // Each step of the generator decodes one token and picks the next (greedy): what a reply costs.
    const steps = Math.max(1, Math.min(generateTokens, context.contextSize - 2));
    let generated = 0;
    started = performance.now();
    for await (const token of sequence.evaluate([prompt[0]!], { temperature: 0 })) {
      void token;
      if (++generated >= steps) break;
    }
    const tgMs = performance.now() - started;
    await sequence.clearHistory();
    return { ppTokensPerSecond: (count / ppMs) * 1000, tgTokensPerSecond: (generated / tgMs) * 1000 };
  }

  async unload(): Promise<boolean> {
    const loaded = this.loaded;
    if (!loaded) return false;
    this.loaded = undefined;
    await loaded.context.dispose();
    await loaded.model.dispose();
    return true;
  }

  async dispose(): Promise<void> {
    await this.unload();
    const llama = await this.llamaPromise?.catch(() => undefined);
    await llama?.dispose();
  }
}
