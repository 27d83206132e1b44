import { create } from 'zustand';
import type { ModelInfo } from '../../../../shared/dto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';

interface ModelsState {
  models: ModelInfo[];
  /** A listing is in flight. */
  loading: boolean;
  /** At least one listing finished (so an empty list means "no models", not "not asked yet"). */
  listed: boolean;
  error: string | null;
  refresh(): Promise<void>;
}

/** Counts refreshes so a slow, older listing never overwrites a newer one. */
let generation = 0;

export const useModelsStore = create<ModelsState>()((set) => ({
  models: [],
  loading: false,
  listed: false,
  error: null,
  async refresh() {
    const mine = ++generation;
    set({ loading: true });
    try {
      const models = await api.library.listModels();
      if (mine === generation) set({ models, loading: false, listed: true, error: null });
    } catch (error) {
      if (mine === generation) set({ loading: false, error: errorMessage(error) });
    }
  },
}));

/** Name people know a model by: its GGUF `general.name`, else the file name. */
export function modelDisplayName(model: ModelInfo): string {
  return model.metadata?.name || model.fileName;
}

/**
 * Names that tell models apart, for the accessible names of per-model buttons ("Load …"). Usually
 * the display name; when several files share one (quants of the same model) each becomes
 * `name (file name)`, and the relative path if even the file names collide.
 */
export function distinctModelLabels(models: ModelInfo[]): Map<string, string> {
  const count = (key: (model: ModelInfo) => string) => {
    const counts = new Map<string, number>();
    for (const model of models) counts.set(key(model), (counts.get(key(model)) ?? 0) + 1);
    return counts;
  };
  const byName = count(modelDisplayName);
  const byNameAndFile = count((model) => `${modelDisplayName(model)}\u0000${model.fileName}`);
  const labels = new Map<string, string>();
  for (const model of models) {
    const name = modelDisplayName(model);
    if (byName.get(name) === 1) labels.set(model.id, name);
    else if (byNameAndFile.get(`${name}\u0000${model.fileName}`) === 1) labels.set(model.id, `${name} (${model.fileName})`);
    else labels.set(model.id, `${name} (${model.id})`);
  }
  return labels;
}

export const selectModelById =
  (modelId: string | undefined) =>
  (state: ModelsState): ModelInfo | undefined =>
    modelId === undefined ? undefined : state.models.find((model) => model.id === modelId);
