import { AppError } from '../../../shared/errors';
import type { ChatMessage, ChatResult, InferenceState, LoadedModel, SamplingParams } from '../../../shared/dto';
import type { EventBus } from '../events/eventBus';
import type { Logger } from '../logging/logger';
import { EngineClient } from '../engine/engineClient';
import type { EngineLauncher } from '../engine/engineProcess';
import type { LibraryService } from '../library/libraryService';

/** Context window when the caller does not ask for one: long enough to chat, small enough to fit. */
export const DEFAULT_CONTEXT_SIZE = 4096;

export interface InferenceServiceOptions {
  launchEngine: EngineLauncher;
  library: LibraryService;
  events: EventBus;
  logger: Logger;
  /** Generation threads when a load does not say. */
  defaultThreads: number;
}

/**
 * Loading, unloading and chatting, on top of the engine process. Owns the state the UI shows
 * (engine status, loaded model, load progress, active replies) and pushes it on every change.
 */
export class InferenceService {
  private readonly engine: EngineClient;
  private loaded: LoadedModel | null = null;
  private loading: InferenceState['loading'] = null;
  private readonly active = new Set<string>();

  constructor(private readonly options: InferenceServiceOptions) {
    this.engine = new EngineClient(
      options.launchEngine,
      {
        onStatus: (status) => {
          if (status.state === 'crashed') {
            this.loaded = null;
            this.loading = null;
            this.active.clear();
          }
          this.publish();
        },
        onTokens: (requestId, text, tokenCount) =>
          options.events.emit('inference.tokensGenerated', { requestId, text, tokenCount }),
        onLoadProgress: (progress) => {
          if (!this.loading) return;
          this.loading = { ...this.loading, progress };
          options.events.emit('inference.loadProgressed', { modelId: this.loading.modelId, progress });
        },
      },
      options.logger,
    );
  }

  getState(): InferenceState {
    return {
      engine: this.engine.status,
      loaded: this.loaded,
      loading: this.loading,
      activeRequests: [...this.active],
    };
  }

  async loadModel(args: { modelId: string; contextSize?: number; threads?: number }): Promise<LoadedModel> {
    if (this.loading) throw new AppError('BUSY', `"${this.loading.modelId}" is still loading.`);
    if (this.active.size) throw new AppError('BUSY', 'A reply is being generated; stop it before loading a model.');
    const model = await this.options.library.getModel(args.modelId);
    const trained = model.metadata?.trainedContextLength || DEFAULT_CONTEXT_SIZE;
    const contextSize = Math.min(args.contextSize ?? DEFAULT_CONTEXT_SIZE, trained);
    const threads = args.threads ?? this.options.defaultThreads;
    this.loading = { modelId: model.id, progress: 0 };
    this.loaded = null;
    this.publish();
    const started = performance.now();
    try {
      const result = await this.engine.call({ op: 'load', modelPath: model.path, contextSize, threads });
      this.loaded = {
        modelId: model.id,
        name: result.name,
        settings: { contextSize: result.contextSize, threads: result.threads },
        loadMs: Math.round(performance.now() - started),
        loadedAt: new Date().toISOString(),
        modelBytes: result.modelBytes,
      };
      this.options.logger.info('model loaded', { modelId: model.id, loadMs: this.loaded.loadMs });
      return this.loaded;
    } finally {
      this.loading = null;
      this.publish();
    }
  }

  async unloadModel(): Promise<{ unloaded: boolean }> {
    if (!this.loaded) return { unloaded: false };
    for (const requestId of this.active) await this.stop({ requestId });
    await this.engine.call({ op: 'unload' });
    this.loaded = null;
    this.publish();
    return { unloaded: true };
  }

  async chat(args: { requestId: string; messages: ChatMessage[]; params?: SamplingParams }): Promise<ChatResult> {
    if (!this.loaded) throw new AppError('MODEL_NOT_LOADED', 'No model is loaded. Load a model first.');
    if (this.active.has(args.requestId)) throw new AppError('BAD_REQUEST', `Request "${args.requestId}" is already running.`);
    this.active.add(args.requestId);
    this.publish();
    try {
      const result = await this.engine.call({
        op: 'generate',
        requestId: args.requestId,
        messages: args.messages,
        params: args.params ?? {},
      });
      return { requestId: args.requestId, text: result.text, stats: result.stats };
    } finally {
      this.active.delete(args.requestId);
      this.publish();
    }
  }

  async stop(args: { requestId: string }): Promise<{ stopped: boolean }> {
    if (!this.active.has(args.requestId)) return { stopped: false };
    const result = await this.engine.call({ op: 'abort', requestId: args.requestId });
    return { stopped: result.aborted };
  }

  /** Pid of the engine process, if one runs (for diagnostics and crash tests). */
  get enginePid(): number | undefined {
    return this.engine.status.pid;
  }

  async dispose(): Promise<void> {
    await this.engine.dispose();
  }

  private publish(): void {
    this.options.events.emit('inference.stateChanged', this.getState());
  }
}
