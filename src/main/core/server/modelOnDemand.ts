import type { LoadOptions, ModelInfo } from '../../../shared/dto';
import { AppError } from '../../../shared/errors';
import type { EngineService } from '../engine/engineService';
import type { InferenceService } from '../inference/inferenceService';
import type { LibraryService } from '../library/libraryService';
import type { Logger } from '../logging/logger';

export interface ModelOnDemandOptions {
  library: Pick<LibraryService, 'listModels'>;
  inference: Pick<InferenceService, 'loadModel' | 'unloadModel'>;
  engine: Pick<EngineService, 'loadedModel' | 'getState'>;
  logger: Logger;
  /** Time without API requests after which a model the API loaded is unloaded, in ms; 0 = never. */
  idleUnloadMs: number;
  /** Settings of on-demand loads (context, parallel, …); default the load plan's choice of what fits. */
  loadDefaults?: Omit<LoadOptions, 'modelId'> | undefined;
}

/** A request's hold on the loaded model: while any is held, the model is neither switched nor unloaded. */
export interface ModelLease {
  model: ModelInfo;
  release(): void;
}

/** Retry hint when a switch has to wait for running replies, in ms. */
export const SWITCH_RETRY_MS = 5_000;
/** How long one listing of the models folder answers name lookups, in ms (a burst of requests scans once). */
const LISTING_TTL_MS = 2_000;

/**
 * Models on demand for API clients (the `model` field of a request). Policy:
 * - the name picks one local model: its id, else its file name (with or without `.gguf`), else
 *   `owner/repo` when that repo holds exactly one model; ambiguous names are refused with the
 *   candidates, unknown ones are NOT_FOUND;
 * - the engine holds one model (the cap on loaded models is 1, so memory is never over-committed);
 *   when another is loaded and nothing runs — no API request holds it, no reply runs or waits, no
 *   load is under way — the requested one is loaded in its place (with the load plan's defaults);
 *   otherwise BUSY with a retry hint: a switch never cuts someone else's reply short;
 *   concurrent requests for the model being loaded wait for that one load;
 * - a model the API loaded itself is unloaded after `idleUnloadMs` without requests (re-checked
 *   while the UI keeps using it); a model the user loaded in the UI is never unloaded by the API.
 */
export class ModelOnDemand {
  private leases = 0;
  private switching: { modelId: string; done: Promise<unknown> } | null = null;
  /** The model this instance loaded and may unload when idle. */
  private loadedByApi: string | null = null;
  private idleTimer: NodeJS.Timeout | undefined;
  /** When the idle timer fires (epoch ms); undefined when no idle unload is pending. */
  private idleDeadline: number | undefined;
  private listing: { at: number; models: Promise<ModelInfo[]> } | undefined;
  private closed = false;

  constructor(private readonly options: ModelOnDemandOptions) {}

  /** Readable models, from a listing at most {@link LISTING_TTL_MS} old. */
  listModels(): Promise<ModelInfo[]> {
    const now = performance.now();
    if (!this.listing || now - this.listing.at > LISTING_TTL_MS) {
      const models = this.options.library.listModels();
      this.listing = { at: now, models };
      models.catch(() => (this.listing = undefined));
    }
    return this.listing.models;
  }

  /** The model a request's `model` field names (see the class comment for the rules). */
  async resolve(name: string): Promise<ModelInfo> {
    const models = await this.listModels();
    const exact = models.find((model) => model.id === name);
    const lower = name.toLowerCase();
    const matches = exact
      ? [exact]
      : models.filter(
          (model) =>
            model.id.toLowerCase() === lower ||
            model.fileName.toLowerCase() === lower ||
            model.fileName.toLowerCase() === `${lower}.gguf` ||
            (model.publisher !== undefined && model.repo !== undefined && `${model.publisher}/${model.repo}`.toLowerCase() === lower),
        );
    const readable = matches.filter((model) => model.status === 'ok');
    if (readable.length === 1) return readable[0]!;
    if (readable.length > 1) {
      const shown = readable.slice(0, 5).map((model) => model.id);
      throw new AppError('BAD_REQUEST', `"${clip(name)}" names ${readable.length} models; use one of their ids: ${shown.join(', ')}${readable.length > 5 ? ', …' : ''}.`);
    }
    if (matches.length > 0) throw new AppError('MODEL_UNREADABLE', `"${clip(name)}" cannot be loaded: ${matches[0]!.error ?? 'the file is not a readable GGUF model'}.`);
    throw new AppError('NOT_FOUND', `The model "${clip(name)}" does not exist in Hearth's library. GET /v1/models lists the ids.`);
  }

  /**
   * Makes the named model the loaded one (loading or switching when the engine is idle) and holds
   * it until `release`. Without a name: the loaded model, if any.
   */
  async acquire(name: string | undefined): Promise<ModelLease> {
    if (this.closed) throw new AppError('BUSY', 'The API server is stopping.', { retryAfterMs: SWITCH_RETRY_MS });
    const model = name === undefined ? await this.loadedModelInfo() : await this.resolve(name);
    for (;;) {
      if (this.switching) {
        if (this.switching.modelId !== model.id) throw this.busy(`Hearth is loading "${this.switching.modelId}" for another request`);
        await this.switching.done.catch(() => {});
        if (this.options.engine.loadedModel?.modelId !== model.id) throw this.busy(`Loading "${model.id}" did not finish`);
        continue;
      }
      if (this.options.engine.loadedModel?.modelId === model.id) return this.lease(model);
      const state = this.options.engine.getState();
      const running = state.activeRequests.length + state.queuedRequests;
      if (this.leases > 0 || running > 0 || state.loading) {
        const loaded = state.loading?.modelId ?? state.loaded?.modelId ?? 'another model';
        throw this.busy(`"${loaded}" is in use (${Math.max(running, this.leases)} replies running or waiting); Hearth switches models only when none are`);
      }
      await this.switchTo(model);
    }
  }

  /**
   * When the model the API loaded will be unloaded for idleness (ISO-8601), if nothing uses it
   * before; undefined when no such unload is pending (in use, loaded in the UI, or TTL 0).
   */
  idleUnloadAt(): string | undefined {
    const pending = this.idleDeadline !== undefined && this.leases === 0 && this.loadedByApi !== null && this.loadedByApi === this.options.engine.loadedModel?.modelId;
    return pending ? new Date(this.idleDeadline!).toISOString() : undefined;
  }

  /** Stops the idle timer (the server stopped); the loaded model stays. */
  close(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
  }

  private async loadedModelInfo(): Promise<ModelInfo> {
    const loaded = this.options.engine.loadedModel;
    if (!loaded) throw new AppError('BAD_REQUEST', 'The request names no model and none is loaded: set "model" to one of the ids GET /v1/models lists.');
    return this.resolve(loaded.modelId);
  }

  private async switchTo(model: ModelInfo): Promise<void> {
    clearTimeout(this.idleTimer);
    this.options.logger.info('API request loads a model', { modelId: model.id, replacing: this.options.engine.loadedModel?.modelId ?? null });
    const done = this.options.inference.loadModel({ ...this.options.loadDefaults, modelId: model.id });
    this.switching = { modelId: model.id, done };
    try {
      await done;
      this.loadedByApi = model.id;
    } finally {
      this.switching = null;
    }
  }

  private lease(model: ModelInfo): ModelLease {
    this.leases++;
    clearTimeout(this.idleTimer);
    let released = false;
    return {
      model,
      release: () => {
        if (released) return;
        released = true;
        if (--this.leases === 0) this.armIdleTimer();
      },
    };
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleDeadline = undefined;
    if (this.closed || this.options.idleUnloadMs <= 0 || this.loadedByApi === null) return;
    this.idleDeadline = Date.now() + this.options.idleUnloadMs;
    this.idleTimer = setTimeout(() => void this.unloadIfIdle(), this.options.idleUnloadMs);
    this.idleTimer.unref?.();
  }

  private async unloadIfIdle(): Promise<void> {
    const loaded = this.options.engine.loadedModel;
    // The user (or another client) replaced the model since: it is not ours to unload.
    if (!loaded || loaded.modelId !== this.loadedByApi) {
      this.loadedByApi = null;
      return;
    }
    const state = this.options.engine.getState();
    if (this.leases > 0 || this.switching || state.activeRequests.length + state.queuedRequests > 0 || state.loading) {
      this.armIdleTimer();
      return;
    }
    this.options.logger.info('unloading the model the API loaded: idle', { modelId: loaded.modelId, idleMs: this.options.idleUnloadMs });
    this.loadedByApi = null;
    await this.options.inference.unloadModel().catch((error: unknown) => this.options.logger.warn('idle unload failed', { error: String(error) }));
  }

  private busy(what: string): AppError {
    return new AppError('BUSY', `${what}. Try again in about ${SWITCH_RETRY_MS / 1000} s.`, { retryAfterMs: SWITCH_RETRY_MS });
  }
}

function clip(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 199)}…`;
}
