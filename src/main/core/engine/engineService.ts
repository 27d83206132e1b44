import { AppError } from '../../../shared/errors';
import type { ChatArgs, ChatResult, CompletionArgs, EmbedArgs, EmbedResult, EngineMemberState, InferenceState, LoadedModel } from '../../../shared/dto';
import type { LlamaHardwareView } from '../../../shared/hardwareDto';
import type { Logger } from '../logging/logger';
import { EngineClient, type EngineClientOptions } from './engineClient';
import type { EngineLauncher } from './engineProcess';
import { abortedBeforeStart, toChatResult } from './engineResults';
import { loadRequest, toLoadedModel, type LoadSpec } from './modelLoad';
import type { EngineStatusResult } from './protocol';
import type { RankArgs, RankResult } from './ranking';
import { generateOnEngine, logToolFormat, type GenerationCaller } from './replyCall';
import { RequestQueue } from './requestQueue';

export interface EngineServiceOptions {
  launchEngine: EngineLauncher;
  logger: Logger;
  /** Called on every change of its state (load, progress, a reply starting or ending, a crash). */
  onChange(): void;
  /** Load progress (0–1) of `modelId`. */
  onLoadProgress?(modelId: string, progress: number): void;
  /** Requests that may wait for a free sequence; one more gets BUSY with a retry hint. */
  maxQueue?: number;
  /** How long a request may wait in the queue before it gives up with BUSY, in ms. */
  queueTimeoutMs?: number;
  /** Watchdog settings of the engine process (tests shorten them). */
  watchdog?: Pick<EngineClientOptions, 'hangTimeoutMs' | 'stallTimeoutMs' | 'deadlines'>;
}


export const DEFAULT_MAX_QUEUE = 32;
export const DEFAULT_QUEUE_TIMEOUT_MS = 10 * 60_000;

/**
 * One local member of the fleet: one engine process and the model loaded in it (the fleet, in
 * `core/fleet/`, decides which models are resident; this class runs one of them).
 *
 * Policy (documented in the README, tested in engineService.test.ts):
 * - load and unload are serialised: a second load waits for the first, then replaces it (last
 *   wins; exactly one model is ever resident);
 * - loading while replies are running or queued is refused with BUSY (stop them or wait) — a
 *   model switch must never cut someone else's reply short; an explicit unload stops them all
 *   (stop reason `abort`), fails the queued ones, waits for the generation loop, then frees memory;
 * - replies run in parallel up to the loaded model's `parallel` sequences, then wait in a fair
 *   FIFO queue of at most `maxQueue`; beyond that BUSY with `retryAfterMs`;
 * - each reply streams to its own caller only; the event bus carries state changes only;
 * - embeddings wait in the same queue and hold one slot while they run (one admission policy and
 *   one BUSY for everything that computes); in the engine they run between lockstep rounds.
 */
export class EngineService {
  private readonly client: EngineClient;
  private loaded: LoadedModel | null = null;
  /** Models already said to use the generic tool format (logged once each). */
  private readonly genericToolsLogged = new Set<string>();
  private loading: InferenceState['loading'] = null;
  private readonly active = new Map<string, GenerationCaller>();
  /** Every request id queued or running, claimed synchronously so a duplicate id is refused. */
  private readonly claimed = new Set<string>();
  private readonly queue: RequestQueue;
  /** Tail of the load/unload chain: each lifecycle operation starts after the previous one settled. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  /** Queue tickets of embedding calls (they have no client-chosen request id). */
  private embedCounter = 0;

  constructor(private readonly options: EngineServiceOptions) {
    this.client = new EngineClient({
      launch: options.launchEngine,
      logger: options.logger,
      ...options.watchdog,
      onStatus: (status) => {
        if (status.state === 'crashed') {
          this.loaded = null;
          this.loading = null;
          this.queue.rejectAll(new AppError('ENGINE_CRASHED', status.lastError ?? 'The inference engine stopped.'));
        }
        this.publish();
      },
      onLoadProgress: (progress) => {
        if (!this.loading) return;
        this.loading = { ...this.loading, progress };
        options.onLoadProgress?.(this.loading.modelId, progress);
      },
    });
    this.queue = new RequestQueue({
      maxLength: options.maxQueue ?? DEFAULT_MAX_QUEUE,
      timeoutMs: options.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS,
      parallel: () => this.loaded?.settings.parallel ?? 1,
      onChange: () => this.publish(),
    });
  }

  getState(): EngineMemberState {
    return {
      engine: this.client.status,
      loaded: this.loaded,
      loading: this.loading,
      activeRequests: [...this.active.keys()],
      queuedRequests: this.queue.length,
    };
  }

  get loadedModel(): LoadedModel | null {
    return this.loaded;
  }

  /** Replies running and waiting, and whether a load is under way (the fleet's idea of "busy"). */
  get activity(): { running: number; queued: number; loading: boolean } {
    return { running: this.queue.running, queued: this.queue.length, loading: this.loading !== null };
  }

  /**
   * Caps the threads this engine's contexts use from their next decode on (the fleet shares the
   * cores among engines generating at once). Nothing to do while no engine process runs: a new
   * process starts with the full count, and the fleet sets the share again when it gets busy.
   */
  async limitThreads(max: number): Promise<void> {
    if (this.client.status.state !== 'ready') return;
    await this.client.call({ op: 'threads', max });
  }

  /**
   * Loads a model, replacing the current one. Serialised with other loads and unloads in call
   * order: `spec` may be a function (resolving a model id needs a folder scan), run once this
   * load's turn has come, so two loads started in order finish in that order.
   */
  load(spec: LoadSpec | (() => Promise<LoadSpec>)): Promise<LoadedModel> {
    return this.serialise(async () => {
      const resolved = typeof spec === 'function' ? await spec() : spec;
      const busy = this.queue.running + this.queue.length;
      if (busy) {
        throw new AppError(
          'BUSY',
          `${busy} ${busy === 1 ? 'reply is' : 'replies are'} being generated or waiting. Stop them or wait for them to finish, then load the model.`,
        );
      }
      this.loading = { modelId: resolved.modelId, progress: 0 };
      this.loaded = null;
      this.publish();
      const started = performance.now();
      try {
        const result = await this.client.call(loadRequest(resolved));
        this.loaded = toLoadedModel(resolved, result, started);
        this.options.logger.info('model loaded', { modelId: resolved.modelId, loadMs: this.loaded.loadMs, parallel: result.settings.parallel });
        return this.loaded;
      } finally {
        this.loading = null;
        this.publish();
      }
    });
  }

  /** Stops every reply (stop reason `abort`), fails the queued ones, waits, then frees the model. */
  unload(): Promise<{ unloaded: boolean }> {
    return this.serialise(async () => {
      if (!this.loaded) return { unloaded: false };
      this.loaded = null;
      this.queue.rejectAll(new AppError('MODEL_NOT_LOADED', 'The model was unloaded before this request started.'));
      this.publish();
      await this.client.call({ op: 'unload' });
      return { unloaded: true };
    });
  }

  /**
   * Generates a reply for `caller`: now when a sequence is free, else after the requests queued
   * before it. Chunks (queue position, prompt progress, text) go to `caller.emit` only. `args`
   * is a chat (`messages`, with the model's chat template) or a raw completion (`prompt`).
   */
  async generate(args: ChatArgs | CompletionArgs, caller: GenerationCaller): Promise<ChatResult> {
    const requested = performance.now();
    this.ensureLoaded();
    if (this.claimed.has(args.requestId)) {
      throw new AppError('BAD_REQUEST', `Request "${args.requestId}" is already running.`);
    }
    this.claimed.add(args.requestId);
    try {
      return await this.run(args, caller, requested);
    } finally {
      this.claimed.delete(args.requestId);
    }
  }

  /**
   * Embedding vectors of `args.texts` (unit length, one per text). Waits its turn in the queue like
   * a reply; `signal` takes it out of the queue while it waits. Once started it runs to the end:
   * it is bounded (embeddings.ts) and has a deadline (engineClient.ts), so there is no stop for it.
   */
  async embed(args: EmbedArgs, signal: AbortSignal = new AbortController().signal): Promise<EmbedResult> {
    this.ensureLoaded();
    const admitted = await this.queue.acquire(`embed:${++this.embedCounter}`, { signal, emit: () => {} });
    if (!admitted) throw new AppError('BAD_REQUEST', 'The embedding request was cancelled before it started.');
    try {
      if (!this.loaded) throw new AppError('MODEL_NOT_LOADED', 'The model was unloaded before this request started.');
      return await this.client.call({ op: 'embed', texts: args.texts });
    } finally {
      this.queue.release();
    }
  }

  /**
   * Relevance scores of `args.documents` against `args.query`, from a reranking model. Queued and
   * bounded like {@link embed} (ranking.ts), with the same ticket counter.
   */
  async rank(args: RankArgs, signal: AbortSignal = new AbortController().signal): Promise<RankResult> {
    this.ensureLoaded();
    const admitted = await this.queue.acquire(`rank:${++this.embedCounter}`, { signal, emit: () => {} });
    if (!admitted) throw new AppError('BAD_REQUEST', 'The rerank request was cancelled before it started.');
    try {
      if (!this.loaded) throw new AppError('MODEL_NOT_LOADED', 'The model was unloaded before this request started.');
      return await this.client.call({ op: 'rank', query: args.query, documents: args.documents });
    } finally {
      this.queue.release();
    }
  }

  private ensureLoaded(): void {
    if (this.loaded) return;
    throw new AppError(
      'MODEL_NOT_LOADED',
      this.loading ? `"${this.loading.modelId}" is still loading; send the request when it is ready.` : 'No model is loaded. Load a model first.',
    );
  }

  private async run(args: ChatArgs | CompletionArgs, caller: GenerationCaller, requested: number): Promise<ChatResult> {
    const wantsJson = args.responseFormat !== undefined && args.responseFormat.type !== 'text';
    const admitted = await this.queue.acquire(args.requestId, caller);
    if (!admitted) return abortedBeforeStart(args.requestId, performance.now() - requested, wantsJson);
    const queuedMs = performance.now() - requested;
    this.active.set(args.requestId, caller);
    this.publish();
    const onAbort = () => void this.stop(args.requestId).catch(() => {});
    caller.signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (!this.loaded) throw new AppError('MODEL_NOT_LOADED', 'The model was unloaded before this request started.');
      if (caller.signal.aborted) return abortedBeforeStart(args.requestId, queuedMs, wantsJson);
      const result = await generateOnEngine(this.client, args, caller);
      this.queue.recordDuration(performance.now() - requested - queuedMs);
      if (result.toolFormat) logToolFormat(this.options.logger, this.genericToolsLogged, this.loaded?.modelId, result.toolFormat);
      return toChatResult(args.requestId, result, queuedMs);
    } finally {
      caller.signal.removeEventListener('abort', onAbort);
      this.active.delete(args.requestId);
      this.queue.release();
      this.publish();
    }
  }

  /** Stops a running or queued reply. True when there was one. */
  async stop(requestId: string): Promise<boolean> {
    if (this.queue.cancel(requestId)) return true;
    if (!this.active.has(requestId)) return false;
    const result = await this.client.call({ op: 'abort', requestId });
    return result.aborted;
  }

  /** What llama.cpp sees of this machine (starts the engine if needed). */
  hardwareView(): Promise<LlamaHardwareView> {
    return this.client.call({ op: 'hardware' });
  }

  /** The engine process's own view: resident models, running generations (leak checks, diagnostics). */
  engineStatus(): Promise<EngineStatusResult> {
    return this.client.call({ op: 'status' });
  }

  /** Test only: makes the engine block its event loop for `ms` (the worker refuses unless test ops are on). */
  hangForTest(ms: number): Promise<unknown> {
    return this.client.call({ op: 'hang', ms });
  }

  get enginePid(): number | undefined {
    return this.client.status.pid;
  }

  /** Kills the engine process (tests; a future "force stop"). */
  kill(): void {
    this.client.kill();
  }

  /** Ends queued requests with a clear error, then stops the engine process. */
  async dispose(reason = 'Hearth is shutting down.'): Promise<void> {
    this.queue.rejectAll(new AppError('ENGINE_ERROR', reason));
    await this.client.dispose(reason);
  }

  private serialise<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.then(operation, operation);
    this.lifecycle = run.catch(() => {});
    return run;
  }

  private publish(): void {
    this.options.onChange();
  }
}
