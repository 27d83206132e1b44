import type { LlamaContextSequence, SequenceEvaluateOptions, Token } from 'node-llama-cpp';

/**
 * The parts of node-llama-cpp 3.22.1's internals the direct decode path (directDecode.ts) uses, and
 * the runtime check that they are still where it expects them. An upgrade that moves them turns the
 * direct path off (replies take `evaluate`) instead of breaking generation.
 */

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
export interface NativeContext {
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

export interface NativeSampler {
  applyConfig(config: object): void;
  dispose(): void;
}

export interface SequenceInternals {
  _sequenceId: number;
  _nextTokenIndex: number;
  _contextTokens: Token[];
  _resolveSamplerConfig(options: SequenceEvaluateOptions): object;
  readonly tokenMeter: LlamaContextSequence['tokenMeter'];
  readonly context: {
    _ctx: NativeContext;
    readonly contextSize: number;
    readonly batchSize: number;
    _threadSplitterConsumer?: ThreadSplitterConsumer | undefined;
    _reserveThreads(): void;
    _scheduleToFreeReservedThreads(): void;
  };
  readonly model: { _model: unknown; _llama: { _bindings: { AddonSampler: new (model: unknown) => NativeSampler } } };
}

/** What of a node-llama-cpp 3.22.1 model's dispose guard {@link releasingFailedContext} uses. */
interface ModelDisposeGuard {
  createPreventDisposalHandle(ignoreAwaitingDispose?: boolean): { readonly disposed: boolean; dispose(): void };
}

/**
 * Runs `create`, a context creation on `model` (plain, embedding or ranking), so that a failed one
 * cannot wedge the model. In node-llama-cpp 3.22.1 a context takes a hold on its model when it is
 * constructed and gives it back only in its own dispose. A creation that fails (llama.cpp refuses
 * the settings, memory runs out) never disposes that context; the model's dispose disposes it only
 * if it is still reachable, so once the garbage collector has taken it, `model.dispose()` waits for
 * the hold forever. That hung a load that failed and then freed its model, about one time in 15
 * under load. This keeps the holds a context constructor takes during `create` (the ones without
 * `ignoreAwaitingDispose`; a context's own guard passes it when it holds its parent) and gives back
 * the ones still held if `create` fails. It assumes no other context creation on `model` runs
 * meanwhile: the engine creates contexts one at a time (loads and side contexts are exclusive).
 */
export async function releasingFailedContext<T>(model: object, create: () => Promise<T>): Promise<T> {
  const guard = (model as { _backendModelDisposeGuard?: Partial<ModelDisposeGuard> })._backendModelDisposeGuard;
  const own = guard?.createPreventDisposalHandle;
  if (!guard || typeof own !== 'function' || Object.hasOwn(guard, 'createPreventDisposalHandle')) return create();
  const taken: ReturnType<ModelDisposeGuard['createPreventDisposalHandle']>[] = [];
  guard.createPreventDisposalHandle = (ignoreAwaitingDispose?: boolean) => {
    const handle = own.call(guard, ignoreAwaitingDispose);
    if (!ignoreAwaitingDispose) taken.push(handle);
    return handle;
  };
  try {
    return await create();
  } catch (error) {
    for (const handle of taken) if (!handle.disposed) handle.dispose();
    throw error;
  } finally {
    delete guard.createPreventDisposalHandle;
  }
}
