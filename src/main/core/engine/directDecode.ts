import { withLock } from 'lifecycle-utils';
import type { LlamaContextSequence, SequenceEvaluateOptions, Token } from 'node-llama-cpp';

/**
 * One generated token at a time on one sequence, straight on node-llama-cpp's native context:
 * decode the last token, sample the next, nothing else.
 *
 * Why: `sequence.evaluate` spends ~0.35 ms of JavaScript per token on a 2-core machine (a decode
 * queue, a dispatch a macrotask later, three locks, per-token arrays and sampler config objects)
 * against ~0.13 ms for this path, measured as the engine thread's busy time per token on the
 * 135M-shaped model (`performance.eventLoopUtilization`). At ~5.5 ms per token that is the
 * difference between trailing llama.cpp's own server by 9 % and by 3 % on one stream. The queue
 * is what batches several sequences into one decode, so the scheduler uses this path only for a
 * reply that is generating alone (see {@link LockstepScheduler}); with company it goes back to
 * `evaluate` mid-reply.
 *
 * The price is reaching into node-llama-cpp's internals (pinned at 3.22.1 in package.json):
 * {@link directDecodeUnsupported} checks each one at runtime, so an upgrade that moves them turns
 * this path off (the reply then takes `evaluate`) instead of breaking generation, and
 * `directDecode.test.ts` fails loudly so the upgrade cannot lose the speed unnoticed. What it
 * does mirrors `LlamaContextSequence._evaluate` one step at a time: it holds the context's lock
 * (the one every node-llama-cpp batch and KV-cache edit takes, so nothing else touches llama.cpp's
 * batch or this sequence's cells meanwhile), decodes with the threads node-llama-cpp's thread
 * splitter grants (engines of several models share the cores that way), resolves the sampler config the same way before every
 * token (penalties read the reply so far), and keeps the sequence's own bookkeeping (next position,
 * context tokens, token meter) as `evaluate` would, so later evaluations and prefix reuse see the
 * same state either way.
 */
export class DirectDecoder {
  private readonly sequence: SequenceInternals;
  private readonly sampler: NativeSampler;
  private readonly single = new Uint32Array(1);
  private disposed = false;
  /**
   * Whether the sample is queued right behind the decode instead of after it ends. With one libuv
   * worker thread (the engine process's `UV_THREADPOOL_SIZE=1`, engineProcess.ts) native tasks run
   * one at a time in the order queued, so the sample reads the logits of the decode just before
   * it, and the worker goes from one to the other without two thread wake-ups in between (the
   * decode's completion waking this thread, the sample's task waking the worker). Measured on the
   * 135M-shaped model at 1 thread: each wake-up pair costs ~0.2–0.5 ms on a 2-core VM, against a
   * ~5.5 ms token (README, "Engine speed"). With more pool threads the sample could run beside
   * the decode, so it waits for the decode as before.
   */
  private readonly pipelined = process.env.UV_THREADPOOL_SIZE === '1';

  /** `sequence` must pass {@link directDecodeUnsupported}. */
  constructor(
    sequence: LlamaContextSequence,
    private readonly options: SequenceEvaluateOptions,
  ) {
    this.sequence = sequence as unknown as SequenceInternals;
    const { AddonSampler } = this.sequence.model._llama._bindings;
    this.sampler = new AddonSampler(this.sequence.model._model);
  }

  /** Positions left before the context is full (this path never shifts the context; `evaluate` does). */
  get room(): number {
    return this.sequence.context.contextSize - 1 - this.sequence._nextTokenIndex;
  }

  /**
   * Decodes `tokens` at the end of the sequence (the last token sampled, or the end of a prompt)
   * and samples the token after them.
   */
  next(tokens: readonly Token[]): Promise<Token> {
    const sequence = this.sequence;
    return withLock([sequence.context, 'context'], async () => {
      if (this.disposed) throw new Error('The direct decoder was disposed.');
      if (tokens.length === 0 || tokens.length > this.room) throw new RangeError(`${tokens.length} tokens do not fit the ${this.room} positions left.`);
      const native = sequence.context._ctx;
      native.initBatch(tokens.length);
      const [logitIndex] = native.addToBatch(sequence._sequenceId, sequence._nextTokenIndex, this.batchOf(tokens), tokens.length === 1 ? FIRST : Uint32Array.of(tokens.length - 1));
      // The config reads only the reply so far (penalties), which the decode does not change.
      this.sampler.applyConfig(sequence._resolveSamplerConfig(this.options));
      const sample = () => native.sampleToken(logitIndex!, this.sampler);
      const queued = await this.decodeWithGrantedThreads(this.pipelined ? sample : undefined);
      sequence._nextTokenIndex += tokens.length;
      for (const token of tokens) sequence._contextTokens.push(token);
      sequence.tokenMeter.useTokens(tokens.length - 1, 'input');
      sequence.tokenMeter.useTokens(1, 'output');
      const next = await (queued ?? sample());
      if (next === -1) throw new Error('Failed to sample the next token.');
      return next as Token;
    });
  }

  /**
   * Decodes the batch with the thread count node-llama-cpp's splitter grants this context now
   * (contexts sharing the cores each get fewer), reserving and releasing it as node-llama-cpp's own
   * batch dispatch does. The reservation must outlive the grant: releasing a grant after its
   * consumer was freed leaves the splitter counting a thread as busy forever, and every later
   * batch then waits for it.
   *
   * `queueAfter`, when given, is called right after the decode is queued, before it ends, and its
   * promise is returned (see {@link DirectDecoder.pipelined}); if the decode fails, that promise's
   * outcome is dropped and the decode's error thrown.
   */
  private async decodeWithGrantedThreads<T>(queueAfter?: () => Promise<T>): Promise<Promise<T> | undefined> {
    const context = this.sequence.context;
    context._reserveThreads();
    try {
      const granted = context._threadSplitterConsumer?.getAllocationToConsume();
      const [threads, handle] = (granted instanceof Promise ? await granted : granted) ?? [];
      try {
        if (threads !== undefined) context._ctx.setThreads(threads);
        const decoding = context._ctx.decodeBatch();
        let after: Promise<T> | undefined;
        try {
          after = queueAfter?.();
        } catch (error) {
          await decoding.catch(() => {});
          throw error;
        }
        after?.catch(() => {});
        await decoding;
        return after;
      } finally {
        handle?.dispose();
      }
    } finally {
      context._scheduleToFreeReservedThreads();
    }
  }

  /** One token, the common case, without allocating. */
  private batchOf(tokens: readonly Token[]): Uint32Array {
    if (tokens.length !== 1) return Uint32Array.from(tokens);
    this.single[0] = tokens[0]!;
    return this.single;
  }

  /** Frees the native sampler. Call it when no {@link next} is running. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.sampler.dispose();
  }
}

/** Logits of the batch's first (only) token. */
const FIRST = Uint32Array.of(0);

/**
 * Why `sequence` cannot take the direct path, or undefined when it can. Besides node-llama-cpp's
 * internals being where this module expects them, the sequence must need no checkpoints (hybrid
 * and sliding-window models save state as they go, which `evaluate` does) and predict no tokens.
 */
export function directDecodeUnsupported(sequence: LlamaContextSequence): string | undefined {
  const s = sequence as unknown as Partial<SequenceInternals>;
  const native = s.context?._ctx as Partial<NativeContext> | undefined;
  const missing = [
    typeof s._sequenceId === 'number' ? undefined : 'sequence._sequenceId',
    typeof s._nextTokenIndex === 'number' ? undefined : 'sequence._nextTokenIndex',
    Array.isArray(s._contextTokens) ? undefined : 'sequence._contextTokens',
    typeof s._resolveSamplerConfig === 'function' ? undefined : 'sequence._resolveSamplerConfig',
    typeof native?.initBatch === 'function' ? undefined : 'context._ctx.initBatch',
    typeof native?.addToBatch === 'function' ? undefined : 'context._ctx.addToBatch',
    typeof native?.decodeBatch === 'function' ? undefined : 'context._ctx.decodeBatch',
    typeof native?.setThreads === 'function' ? undefined : 'context._ctx.setThreads',
    typeof s.context?._reserveThreads === 'function' ? undefined : 'context._reserveThreads',
    typeof s.context?._scheduleToFreeReservedThreads === 'function' ? undefined : 'context._scheduleToFreeReservedThreads',
    typeof native?.sampleToken === 'function' ? undefined : 'context._ctx.sampleToken',
    typeof s.model?._llama?._bindings?.AddonSampler === 'function' ? undefined : 'llama._bindings.AddonSampler',
    s.model?._model !== undefined ? undefined : 'model._model',
  ].filter((name) => name !== undefined);
  if (missing.length > 0) return `node-llama-cpp's internals changed (${missing.join(', ')} not found)`;
  if (sequence.needsCheckpoints) return 'the model needs checkpoints';
  if (sequence.tokenPredictor !== undefined) return 'the sequence predicts tokens';
  return undefined;
}

/** What of node-llama-cpp 3.22.1's internals {@link DirectDecoder} uses. */
interface NativeContext {
  initBatch(size: number): void;
  addToBatch(sequenceId: number, firstTokenIndex: number, tokens: Uint32Array, logitIndexes: Uint32Array): Uint32Array;
  decodeBatch(): Promise<void>;
  setThreads(threads: number): void;
  sampleToken(batchLogitIndex: number, sampler: NativeSampler): Promise<number>;
}

type ThreadGrant = [threads: number, handle: { dispose(): void }] | undefined;

interface ThreadSplitterConsumer {
  getAllocationToConsume(): ThreadGrant | Promise<ThreadGrant>;
}

interface NativeSampler {
  applyConfig(config: object): void;
  dispose(): void;
}

interface SequenceInternals {
  _sequenceId: number;
  _nextTokenIndex: number;
  _contextTokens: Token[];
  _resolveSamplerConfig(options: SequenceEvaluateOptions): object;
  readonly tokenMeter: LlamaContextSequence['tokenMeter'];
  readonly context: {
    _ctx: NativeContext;
    readonly contextSize: number;
    _threadSplitterConsumer?: ThreadSplitterConsumer | undefined;
    _reserveThreads(): void;
    _scheduleToFreeReservedThreads(): void;
  };
  readonly model: { _model: unknown; _llama: { _bindings: { AddonSampler: new (model: unknown) => NativeSampler } } };
}
