import { beforeEach, describe, expect, it } from 'vitest';
import type { InferenceState, LoadedModel } from '../../../../shared/dto';
import { selectBusy, selectLoadProgress, selectLoadingModelId, useInferenceStore } from './inference';

const idle: InferenceState = { engine: { state: 'idle' }, loaded: null, models: [], loading: null, activeRequests: [], queuedRequests: 0, maxModels: null };

const loadedModel: LoadedModel = {
  modelId: 'a.gguf',
  name: 'A',
  settings: { contextSize: 4096, threads: 1, parallel: 4, gpuLayers: 0, flashAttention: true, kvCacheType: 'f16', batchSize: 512, mmap: true },
  loadMs: 300,
  loadedAt: '2025-01-01T00:00:00.000Z',
  modelBytes: 1000,
};

const store = useInferenceStore;

beforeEach(() => {
  store.setState({ state: idle, progress: null, pending: null, actionError: null });
});

describe('load progress as the views see it', () => {
  it('shows 0 % for the model this window asked to load before the server says anything', () => {
    store.setState({ pending: { action: 'load', modelId: 'a.gguf' } });
    expect(selectLoadingModelId(store.getState())).toBe('a.gguf');
    expect(selectLoadProgress('a.gguf')(store.getState())).toBe(0);
    expect(selectLoadProgress('b.gguf')(store.getState())).toBeNull();
    expect(selectBusy(store.getState())).toBe(true);
  });

  it('follows progress events, then stops showing progress as soon as the server reports the load over', () => {
    store.setState({ pending: { action: 'load', modelId: 'a.gguf' } });
    store.getState().applyState({ ...idle, engine: { state: 'ready' }, loading: { modelId: 'a.gguf', progress: 0 } });
    store.getState().applyProgress({ modelId: 'a.gguf', progress: 0.42 });
    expect(selectLoadProgress('a.gguf')(store.getState())).toBe(0.42);

    // The state event that ends the load arrives before the loadModel call answers.
    store.getState().applyState({ ...idle, engine: { state: 'ready' }, loaded: loadedModel });
    expect(store.getState().pending).not.toBeNull();
    expect(selectLoadingModelId(store.getState())).toBeNull();
    expect(selectLoadProgress('a.gguf')(store.getState())).toBeNull();
    expect(store.getState().progress).toBeNull();
  });

  it('shows a load started elsewhere (another window) with the state’s own progress', () => {
    store.getState().applyState({ ...idle, loading: { modelId: 'b.gguf', progress: 0.5 } });
    expect(selectLoadingModelId(store.getState())).toBe('b.gguf');
    expect(selectLoadProgress('b.gguf')(store.getState())).toBe(0.5);
    expect(selectBusy(store.getState())).toBe(true);
  });

  it('ignores a progress event for a model that is not loading', () => {
    store.getState().applyProgress({ modelId: 'a.gguf', progress: 0.9 });
    expect(selectLoadProgress('a.gguf')(store.getState())).toBeNull();
  });
});
