import { withLock } from 'lifecycle-utils';
import type { LlamaContextSequence, SequenceEvaluateOptions, Token } from 'node-llama-cpp';
import type { NativeSampler, SequenceInternals } from './nodeLlamaInternals';

/**
 * Generated tokens straight on node-llama-cpp's native context: each reply's decoder hands in the
 * token it sampled last, and every reply that does so in the same scheduler round is decoded in one
 * llama.cpp batch, then each samples its next token with its own sampler.
 *
 * Why: `sequence.evaluate` spends ~0.35 ms of JavaScript per token on a 2-core machine (a decode
 * queue, a dispatch a macrotask later, three locks, per-token arrays and sampler config objects,
 * a native sampler made per evaluation: ~8 ms on a 128k vocabulary) against ~0.13 ms for this
 * path, measured as the engine thread's busy time per token on the 135M-shaped model
 * (`performance.eventLoopUtilization`). At ~5.5 ms per token that is the difference between
 * trailing llama.cpp's own server by 9 % and by 3 % on one stream.
 *
 * The price is reaching into node-llama-cpp's internals (pinned at 3.22.1 in package.json):
 * `directDecodeUnsupported` (nodeLlamaInternals.ts) checks each one at runtime, so an upgrade that moves them turns
 * this path off (the reply then takes `evaluate`) instead of breaking generation, and
 * `directDecode.test.ts` fails loudly so the upgrade cannot lose the speed unnoticed. What it
 * does mirrors `LlamaContextSequence._evaluate`: it holds the context's lock (the one every
 * node-llama-cpp batch and KV-cache edit takes, so nothing else touches llama.cpp's batch or these
 * sequences' cells meanwhile), decodes with the threads node-llama-cpp's thread splitter grants
 * (engines of several models share the cores that way), resolves each sampler config the same way
 * before every token (penalties read the reply so far), and keeps each sequence's own bookkeeping
 * (next position, context tokens, token meter) as `evaluate` would, so later evaluations and
 * prefix reuse see the same state either way.
 */
export class DirectDecoder {
  readonly sequence: SequenceInternals;
  private readonly sampler: NativeSampler;
  private readonly batch: DirectBatch;
  private readonly single = new Uint32Array(1);
  private released = false;

  /** `sequence` must pass `directDecodeUnsupported` (nodeLlamaInternals.ts). */
  constructor(
    sequence: LlamaContextSequence,
    private readonly options: SequenceEvaluateOptions,
  ) {
    this.sequence = sequence as unknown as SequenceInternals;
    const { AddonSampler } = this.sequence.model._llama._bindings;
    this.sampler = new AddonSampler(this.sequence.model._model);
    this.batch = DirectBatch.of(this.sequence.context);
  }

  /** Positions left before the context is full (this path never shifts the context; `evaluate` does). */
  get room(): number {
    return this.sequence.context.contextSize - 1 - this.sequence._nextTokenIndex;
  }

  /** After {@link dispose}: the sampler is gone, no further token. */
  get disposed(): boolean {
    return this.released;
  }

  /**
   * Decodes `tokens` at the end of the sequence (the last token sampled, or the end of a prompt)
   * and samples the token after them. Calls made in the same synchronous run (one scheduler
   * round) on sequences of one context share a batch.
   */
  next(tokens: readonly Token[]): Promise<Token> {
    if (this.disposed) return Promise.reject(new Error('The direct decoder was disposed.'));
    if (tokens.length === 0 || tokens.length > this.room) return Promise.reject(new RangeError(`${tokens.length} tokens do not fit the ${this.room} positions left.`));
    return this.batch.add(this, tokens);
  }

  /** Sets the sampler up for the next token; the config reads only the reply so far (penalties), which a decode does not change. */
  prepareSample(): void {
    this.sampler.applyConfig(this.sequence._resolveSamplerConfig(this.options));
  }

  sample(logitIndex: number): Promise<number> {
    return this.sequence.context._ctx.sampleToken(logitIndex, this.sampler);
  }

  /** One token, the common case, without allocating. */
  batchOf(tokens: readonly Token[]): Uint32Array {
    if (tokens.length !== 1) return Uint32Array.from(tokens);
    this.single[0] = tokens[0]!;
    return this.single;
  }

  /** Frees the native sampler. Call it when no {@link next} is running. */
  dispose(): void {
    if (this.released) return;
    this.released = true;
    this.sampler.dispose();
  }
}

interface Waiting {
  decoder: DirectDecoder;
  tokens: readonly Token[];
  resolve(token: Token): void;
  reject(error: unknown): void;
}

/**
 * The direct decoders of one context: what they hand in during one synchronous run is decoded
 * together a microtask later (split only where it would overflow the context's batch size).
 */
class DirectBatch {
  private static readonly byContext = new WeakMap<object, DirectBatch>();
  private waiting: Waiting[] = [];
  /**
   * Whether samples are queued right behind the decode instead of after it ends. With one libuv
   * worker thread (the engine process's `UV_THREADPOOL_SIZE=1`, engineProcess.ts) native tasks run
   * one at a time in the order queued, so each sample reads the logits of the decode just before
   * it, and the worker goes from one to the next without two thread wake-ups in between (the
   * decode's completion waking this thread, the sample's task waking the worker). Measured on the
   * 135M-shaped model at 1 thread: each wake-up pair costs ~0.2–0.5 ms on a 2-core VM, against a
   * ~5.5 ms token (README, "Engine speed"). With more pool threads a sample could run beside
   * the decode, so they wait for the decode.
   */
  private readonly pipelined = process.env.UV_THREADPOOL_SIZE === '1';

  private constructor(private readonly context: SequenceInternals['context']) {}

  static of(context: SequenceInternals['context']): DirectBatch {
    let batch = DirectBatch.byContext.get(context);
    if (!batch) DirectBatch.byContext.set(context, (batch = new DirectBatch(context)));
    return batch;
  }

  add(decoder: DirectDecoder, tokens: readonly Token[]): Promise<Token> {
    return new Promise<Token>((resolve, reject) => {
      this.waiting.push({ decoder, tokens, resolve, reject });
      if (this.waiting.length === 1) queueMicrotask(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = [];
    try {
      await withLock([this.context, 'context'], async () => {
        for (const group of batches(waiting, this.context.batchSize)) await this.decode(group);
      });
    } catch (error) {
      // Only the lock itself can throw here: decode settles every call it was given.
      for (const call of waiting) call.reject(error);
    }
  }

  /** One llama.cpp batch of `group`'s tokens, then each call's sample; settles every call. */
  private async decode(group: Waiting[]): Promise<void> {
    for (const call of group) if (call.decoder.disposed) call.reject(new Error('The direct decoder was disposed.'));
    const calls = group.filter((call) => !call.decoder.disposed);
    if (calls.length === 0) return;
    const native = this.context._ctx;
    native.initBatch(calls.reduce((sum, call) => sum + call.tokens.length, 0));
    const logitIndexes = calls.map(({ decoder, tokens }) => {
      const [logitIndex] = native.addToBatch(decoder.sequence._sequenceId, decoder.sequence._nextTokenIndex, decoder.batchOf(tokens), tokens.length === 1 ? FIRST : Uint32Array.of(tokens.length - 1));
      decoder.prepareSample();
      return logitIndex!;
    });
    const sampleAll = () => calls.map((call, i) => call.decoder.sample(logitIndexes[i]!));
    let samples: Array<Promise<number>> | undefined;
    try {
      samples = await this.decodeWithGrantedThreads(this.pipelined ? sampleAll : undefined);
    } catch (error) {
      for (const call of calls) call.reject(error);
      return;
    }
    for (const { decoder, tokens } of calls) {
      const sequence = decoder.sequence;
      sequence._nextTokenIndex += tokens.length;
      for (const token of tokens) sequence._contextTokens.push(token);
      sequence.tokenMeter.useTokens(tokens.length - 1, 'input');
      sequence.tokenMeter.useTokens(1, 'output');
    }
    await Promise.all(
      (samples ?? sampleAll()).map((sample, i) =>
        sample.then(
          (token) => (token === -1 ? calls[i]!.reject(new Error('Failed to sample the next token.')) : calls[i]!.resolve(token as Token)),
          (error: unknown) => calls[i]!.reject(error),
        ),
      ),
    );
  }

  /**
   * Decodes the batch with the thread count node-llama-cpp's splitter grants this context now
   * (contexts sharing the cores each get fewer), reserving and releasing it as node-llama-cpp's own
   * batch dispatch does. The reservation must outlive the grant: releasing a grant after its
   * consumer was freed leaves the splitter counting a thread as busy forever, and every later
   * batch then waits for it.
   *
   * `queueAfter`, when given, is called right after the decode is queued, before it ends, and
   * what it returns is returned; if the decode fails, those promises' outcomes are dropped and the
   * decode's error thrown.
   */
  private async decodeWithGrantedThreads<T>(queueAfter?: () => Array<Promise<T>>): Promise<Array<Promise<T>> | undefined> {
    const context = this.context;
    context._reserveThreads();
    try {
      const granted = context._threadSplitterConsumer?.getAllocationToConsume();
      const [threads, handle] = (granted instanceof Promise ? await granted : granted) ?? [];
      try {
        if (threads !== undefined) context._ctx.setThreads(threads);
        const decoding = context._ctx.decodeBatch();
        let after: Array<Promise<T>> | undefined;
        try {
          after = queueAfter?.();
        } catch (error) {
          await decoding.catch(() => {});
          throw error;
        }
        for (const promise of after ?? []) promise.catch(() => {});
        await decoding;
        return after;
      } finally {
        handle?.dispose();
      }
    } finally {
      context._scheduleToFreeReservedThreads();
    }
  }
}

/** `calls` in order, cut where the next would push a batch past `batchSize` tokens. */
function batches(calls: Waiting[], batchSize: number): Waiting[][] {
  const groups: Waiting[][] = [];
  let size = Infinity;
  for (const call of calls) {
    if (size + call.tokens.length > batchSize) {
      groups.push([]);
      size = 0;
    }
    groups.at(-1)!.push(call);
    size += call.tokens.length;
  }
  return groups;
}

/** Logits of the batch's first (only) token. */
const FIRST = Uint32Array.of(0);
