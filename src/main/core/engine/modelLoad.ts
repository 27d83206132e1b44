/**
 * One model load's call into the engine process, host side: what the fleet asks to load, the
 * engine's load request made of it, and the loaded model made of the engine's result (with the
 * predicted-vs-measured memory check). Serialising loads and the service's state stay in
 * engineService.ts.
 */
import type { LoadedModel } from '../../../shared/dto';
import { memoryCheck } from './engineResults';
import type { LoadRequest, LoadResult } from './protocol';

/** What to load: the engine's load request, plus the model's id and what the fit estimate expects. */
export interface LoadSpec extends Omit<LoadRequest, 'op'> {
  modelId: string;
  /** What the fit estimate expects this load to take, for the predicted-vs-measured check. */
  predicted?: { ramBytes: number; vramBytes: number };
  /** The user chose "load anyway": load even where the estimate says it will not fit. */
  force?: boolean;
}

/** The engine's load request for `spec`: the spec without what only the host uses. */
export function loadRequest(spec: LoadSpec): LoadRequest {
  const { modelId: _modelId, predicted: _predicted, force: _force, ...request } = spec;
  return { op: 'load', ...request };
}

/**
 * The engine's load result as the service keeps it. `started`: `performance.now()` when the load
 * began; the wall time is measured here, then `loadedAt` stamped.
 */
export function toLoadedModel(spec: LoadSpec, result: LoadResult, started: number): LoadedModel {
  return {
    modelId: spec.modelId,
    name: result.name,
    settings: result.settings,
    loadMs: Math.round(performance.now() - started),
    loadedAt: new Date().toISOString(),
    modelBytes: result.modelBytes,
    ...(spec.predicted ? { memory: memoryCheck(spec.predicted, result.measured) } : {}),
  };
}
