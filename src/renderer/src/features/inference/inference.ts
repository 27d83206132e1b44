import { create } from 'zustand';
import type { InferenceState, LoadedModel, LoadOptions, ResidentModel } from '../../../../shared/dto';
import type { ErrorCode } from '../../../../shared/errors';
import { api } from '../../api/api';
import { errorCode, errorMessage, type ClientErrorCode } from '../../api/errors';

/** The last failed load/unload, kept so the view can show it where the action was. */
export interface ActionError {
  action: 'load' | 'unload';
  modelId: string;
  code: ErrorCode | ClientErrorCode;
  message: string;
}

interface InferenceStoreState {
  /** Null until the first `inference.getState` answers. */
  state: InferenceState | null;
  /** Latest `inference.loadProgressed`, 0–1 (finer grained than the state's own copy). */
  progress: { modelId: string; progress: number } | null;
  /**
   * A load or unload this window started and that has not answered yet. `reported`: the server
   * has since said it is loading this model, so its state (not this flag) says when it is over.
   */
  pending: { action: 'load' | 'unload'; modelId: string; reported?: boolean } | null;
  actionError: ActionError | null;
  fetchState(): Promise<void>;
  applyState(state: InferenceState): void;
  applyProgress(progress: { modelId: string; progress: number }): void;
  /**
   * Loads a model; without options the server picks the context and GPU layers that fit. Resolves
   * true once it is loaded; false when it failed (see `actionError`) or another load was under way.
   */
  load(modelId: string, options?: Omit<LoadOptions, 'modelId'>): Promise<boolean>;
  /** Unloads `modelId` (default the primary model). */
  unload(modelId?: string): Promise<void>;
  dismissError(): void;
}

export const useInferenceStore = create<InferenceStoreState>()((set, get) => ({
  state: null,
  progress: null,
  pending: null,
  actionError: null,

  async fetchState() {
    const state = await api.inference.getState();
    get().applyState(state);
  },

  applyState(state) {
    set((current) => ({
      state,
      // Progress belongs to the load in flight; drop it once that load is over.
      progress: state.loading && current.progress?.modelId === state.loading.modelId ? current.progress : null,
      pending:
        current.pending && state.loading?.modelId === current.pending.modelId
          ? { ...current.pending, reported: true }
          : current.pending,
    }));
  },

  applyProgress(progress) {
    set({ progress });
  },

  async load(modelId, options = {}) {
    if (get().pending) return false;
    set({ pending: { action: 'load', modelId }, actionError: null });
    try {
      await api.inference.loadModel({ modelId, ...options });
      return true;
    } catch (error) {
      set({ actionError: { action: 'load', modelId, code: errorCode(error), message: errorMessage(error) } });
      return false;
    } finally {
      set({ pending: null });
      // Events normally got here first; this makes sure the view agrees with the engine.
      await get().fetchState().catch(() => {});
    }
  },

  async unload(modelId) {
    const loaded = modelId !== undefined ? get().state?.models.find((m) => m.modelId === modelId) : get().state?.loaded;
    if (get().pending || !loaded) return;
    set({ pending: { action: 'unload', modelId: loaded.modelId }, actionError: null });
    try {
      await api.inference.unloadModel({ modelId: loaded.modelId });
    } catch (error) {
      set({
        actionError: { action: 'unload', modelId: loaded.modelId, code: errorCode(error), message: errorMessage(error) },
      });
    } finally {
      set({ pending: null });
      await get().fetchState().catch(() => {});
    }
  },

  dismissError() {
    set({ actionError: null });
  },
}));

type S = InferenceStoreState;

export const selectLoaded = (s: S): LoadedModel | null => s.state?.loaded ?? null;
/** Every resident model, most recently used first (stable while the state is). */
export const selectResidentModels = (s: S): ResidentModel[] => s.state?.models ?? NO_MODELS;
const NO_MODELS: ResidentModel[] = [];
/** The resident model of that id, or null (also for a null id). */
export const selectResidentModel =
  (modelId: string | null | undefined) =>
  (s: S): ResidentModel | null =>
    (modelId ? s.state?.models.find((m) => m.modelId === modelId) : undefined) ?? null;
/** Whether `modelId` is resident (any of the loaded models, not only the primary one). */
export const selectResident = (modelId: string) => (s: S): boolean => s.state?.models.some((m) => m.modelId === modelId) ?? false;
export const selectEngineState = (s: S) => s.state?.engine.state ?? null;
export const selectEngineError = (s: S) => s.state?.engine.lastError;
/**
 * Model id being loaded: what the server says, or, in the moment between clicking Load and the
 * server's first word about it, the load this window asked for.
 */
export const selectLoadingModelId = (s: S): string | null => {
  if (s.state?.loading) return s.state.loading.modelId;
  return s.pending?.action === 'load' && !s.pending.reported ? s.pending.modelId : null;
};
/** Load progress of `modelId` as 0–1, or null when it is not loading. */
export const selectLoadProgress =
  (modelId: string) =>
  (s: S): number | null => {
    if (selectLoadingModelId(s) !== modelId) return null;
    if (s.progress?.modelId === modelId) return s.progress.progress;
    return s.state?.loading?.modelId === modelId ? s.state.loading.progress : 0;
  };
/** True while any load or unload is under way, so other load buttons wait. */
export const selectBusy = (s: S): boolean => s.pending !== null || Boolean(s.state?.loading);
export const selectActionErrorFor =
  (modelId: string) =>
  (s: S): ActionError | null =>
    s.actionError?.modelId === modelId ? s.actionError : null;
