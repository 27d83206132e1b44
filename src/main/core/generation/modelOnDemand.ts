import type { LoadOptions, ModelInfo } from '../../../shared/dto';
import { AppError } from '../../../shared/errors';
import type { InferenceService } from '../inference/inferenceService';
import type { LibraryService } from '../library/libraryService';
import type { Logger } from '../logging/logger';

export interface ModelOnDemandOptions {
  library: Pick<LibraryService, 'listModels'>;
  inference: Pick<InferenceService, 'acquire' | 'holdResident' | 'getState'>;
  logger: Logger;
  /** Time without requests after which a model loaded on demand is unloaded, in ms; 0 = never. */
  idleUnloadMs: number;
  /** False: only resident models answer (a chat's model is loaded by the user), others are MODEL_NOT_LOADED. Default true. */
  onDemand?: boolean;
  /** Settings of on-demand loads (context, parallel, …); default the load plan's choice of what fits. */
  loadDefaults?: Omit<LoadOptions, 'modelId'> | undefined;
}

/**
 * One request's own residency settings (Ollama's `keep_alive` and `num_ctx`), over the surface's.
 */
export interface AcquireOverride {
  /** Idle time after which the model unloads, in ms; 0 = never. Also set on a model already resident (not on a pinned one). */
  idleTtlMs?: number;
  /** Load settings over the surface's, used only when this request loads the model. */
  loadDefaults?: Omit<LoadOptions, 'modelId'>;
}

/** A request's hold on its model: while any is held, the model is never evicted. */
export interface ModelLease {
  model: ModelInfo;
  release(): void;
}

/** How one listing of the models folder answers name lookups, in ms (a burst of requests scans once). */
const LISTING_TTL_MS = 2_000;

/**
 * Models named by API clients, `hearth run` and chats (the `model` of a generation request):
 * - the name picks one local model: its id, else its file name (with or without `.gguf`), else
 *   `owner/repo` when that repo holds exactly one model; ambiguous names are refused with the
 *   candidates, unknown ones are NOT_FOUND;
 * - the fleet makes it resident (core/fleet/fleet.ts: admission by memory, eviction of idle
 *   unpinned models, a fair wait for busy ones, then BUSY with the reason) and holds it for the
 *   request; a model loaded this way is unpinned and unloads after `idleUnloadMs` without use;
 *   one the user loaded in the app stays.
 */
export class ModelOnDemand {
  private listing: { at: number; models: Promise<ModelInfo[]> } | undefined;
  private closed = false;
  private override: AcquireOverride | undefined;

  constructor(private readonly options: ModelOnDemandOptions) {}

  /**
   * This instance as one request sees it, with its `override`: pass it where a ModelOnDemand is
   * taken (the generation pipeline). It shares the listing's rules and `close()` with this one.
   */
  withOverride(override: AcquireOverride): ModelOnDemand {
    const view = Object.create(this) as ModelOnDemand;
    view.override = override;
    return view;
  }

  /** Forgets the cached listing (a model was just downloaded or deleted). */
  forgetListing(): void {
    this.listing = undefined;
  }

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
   * Makes the named model resident (loading it on demand) and holds it until `release`. Without a
   * name: the primary resident model, if any. `signal` ends a wait for room when the client goes.
   */
  async acquire(name: string | undefined, signal: AbortSignal = new AbortController().signal, onQueued: (position: number) => void = () => {}): Promise<ModelLease> {
    if (this.closed) throw new AppError('BUSY', 'The API server is stopping.', { retryAfterMs: 5_000 });
    const model = name === undefined ? await this.primaryModelInfo() : await this.resolve(name);
    if (this.options.onDemand === false) {
      const lease = await this.options.inference.holdResident(model);
      return { model, release: () => lease.release() };
    }
    const { override } = this;
    const lease = await this.options.inference.acquire(
      { ...this.options.loadDefaults, ...override?.loadDefaults, modelId: model.id },
      {
        idleTtlMs: override?.idleTtlMs ?? this.options.idleUnloadMs,
        ...(override?.idleTtlMs !== undefined ? { setIdleTtl: true } : {}),
        wait: { signal, emit: (chunk) => onQueued(chunk.position) },
      },
    );
    return { model, release: () => lease.release() };
  }

  /** Stops taking requests (the server stopped); resident models stay. */
  close(): void {
    this.closed = true;
  }

  private async primaryModelInfo(): Promise<ModelInfo> {
    const loaded = this.options.inference.getState().loaded;
    if (!loaded && this.options.onDemand === false) throw new AppError('MODEL_NOT_LOADED', 'No model is loaded. Load a model first.');
    if (!loaded) throw new AppError('BAD_REQUEST', 'The request names no model and none is loaded: set "model" to one of the ids GET /v1/models lists.');
    return this.resolve(loaded.modelId);
  }
}

function clip(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 199)}…`;
}
