import { createHash } from 'node:crypto';
import type { ModelInfo } from '../../../shared/dto';
import type { ApiContext } from './apiContext';
import type { ApiExchange } from './exchange';

/**
 * Ollama's model endpoints: `/api/version`, `/api/tags` (the library) and `/api/ps` (what is
 * loaded). Model `name` and `model` are Hearth's library ids, which is what `model` takes back.
 */

/** Ollama's `details` of a model, from the GGUF header Hearth already read. */
export interface OllamaModelDetails {
  parent_model: string;
  format: 'gguf';
  family: string;
  families: string[];
  /** Weights, Ollama-style: `135.1M`, `7.6B`. */
  parameter_size: string;
  /** `Q4_K_M`, `F16`… */
  quantization_level: string;
}

/**
 * Identity of a model file, hex sha256 of its path, size and modification time. Not the hash of
 * the file's bytes (hashing gigabytes on every listing is too slow): it changes whenever the file
 * is replaced or rewritten, which is what a client caching per digest needs.
 */
export function modelDigest(model: Pick<ModelInfo, 'path' | 'sizeBytes' | 'modifiedAt'>): string {
  return createHash('sha256').update(`${model.path}\0${model.sizeBytes}\0${model.modifiedAt}`).digest('hex');
}

/** A parameter count as Ollama shows it: one decimal and K, M or B. */
export function parameterSize(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(1)}B`;
  if (count >= 1e6) return `${(count / 1e6).toFixed(1)}M`;
  if (count >= 1e3) return `${(count / 1e3).toFixed(1)}K`;
  return String(count);
}

export function modelDetails(model: ModelInfo): OllamaModelDetails {
  const family = model.metadata?.architecture ?? '';
  return {
    parent_model: '',
    format: 'gguf',
    family,
    families: family ? [family] : [],
    parameter_size: model.metadata ? parameterSize(model.metadata.parameterCount) : '',
    quantization_level: model.metadata?.quantization ?? '',
  };
}

function toOllamaModel(model: ModelInfo): Record<string, unknown> {
  return { name: model.id, model: model.id, modified_at: model.modifiedAt, size: model.sizeBytes, digest: modelDigest(model), details: modelDetails(model) };
}

/** `GET /api/version`: Hearth's version (clients use it to see that a server answers). */
export function ollamaVersion(ex: ApiExchange, ctx: ApiContext): void {
  ex.sendJson(200, { version: ctx.core.info.version });
}

/** `GET /api/tags`: every readable local model, loaded or not. */
export async function ollamaTags(ex: ApiExchange, ctx: ApiContext): Promise<void> {
  const models = await ctx.models.listModels();
  ex.sendJson(200, { models: models.filter((model) => model.status === 'ok').map(toOllamaModel) });
}

/**
 * `GET /api/ps`: every resident model in Ollama's shape, most recently used first (`size` = RAM +
 * VRAM the load took as measured, else the weights; `size_vram` the VRAM part; `expires_at` when
 * its idle unload is due, absent for a model loaded in the app or in use), plus Hearth's own
 * `hearth` object: context per sequence (tokens), parallel sequences, threads, whether it is
 * pinned, replies running and waiting, and a load under way. Remote models with a request
 * running follow, `hearth.provider` naming their provider. `hearth ps` prints it.
 */
export async function ollamaPs(ex: ApiExchange, ctx: ApiContext): Promise<void> {
  const state = ctx.core.inference.getState();
  const library = state.models.length ? await ctx.models.listModels() : [];
  const models = state.models.map((loaded) => {
    const info = library.find((model) => model.id === loaded.modelId);
    const measured = loaded.memory?.measured;
    return {
      name: loaded.modelId,
      model: loaded.modelId,
      size: measured ? measured.ramBytes + measured.vramBytes : loaded.modelBytes,
      digest: info ? modelDigest(info) : '',
      ...(info ? { details: modelDetails(info) } : {}),
      ...(loaded.idleUnloadAt ? { expires_at: loaded.idleUnloadAt } : {}),
      size_vram: measured?.vramBytes ?? 0,
      context_length: loaded.settings.contextSize,
      hearth: {
        name: loaded.name,
        parallel: loaded.settings.parallel,
        threads: loaded.settings.threads,
        gpu_layers: loaded.settings.gpuLayers,
        pinned: loaded.pinned,
        loaded_at: loaded.loadedAt,
        last_used_at: loaded.lastUsedAt,
        weights_bytes: loaded.modelBytes,
        active_requests: loaded.activeRequests,
        queued_requests: loaded.queuedRequests,
      },
    };
  });
  // Remote models with a request running (issue 16): nothing is resident here, the provider is named.
  const remote = ctx.core.providers.inUse().map((entry) => ({
    name: entry.modelId,
    model: entry.modelId,
    size: 0,
    digest: '',
    size_vram: 0,
    context_length: entry.contextSize ?? 0,
    hearth: { provider: entry.provider, active_requests: entry.activeRequests, queued_requests: 0, loaded_at: entry.since },
  }));
  ex.sendJson(200, {
    models: [...models, ...remote],
    hearth: { engine: state.engine.state, max_models: state.maxModels, loading: state.loading ? { model: state.loading.modelId, progress: state.loading.progress } : null },
  });
}
