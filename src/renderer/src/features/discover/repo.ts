import { create } from 'zustand';
import type { HubRepoDetail, RemoteFileFit } from '../../../../shared/hubDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';
import { DEFAULT_FIT_CONTEXT } from '../models/fits';

interface RepoState {
  /** What the open repo page was opened with (`owner/repo`, `owner/repo:Q4_K_M`, a URL). */
  reference: string | null;
  detail: HubRepoDetail | null;
  loading: boolean;
  error: string | null;
  /** Context per sequence the fits are for, in tokens. */
  contextSize: number;
  /** Fit of each model of the repo, by `HubGgufFile.name`; filled after the table shows. */
  fits: Record<string, RemoteFileFit>;
  fitsLoading: boolean;
  fitsError: string | null;
  open(reference: string): Promise<void>;
  setContextSize(contextSize: number): Promise<void>;
  refreshFits(): Promise<void>;
}

/** Counts openings and fit requests so a slow, older answer never replaces a newer one. */
let openGeneration = 0;
let fitGeneration = 0;

export const useRepoStore = create<RepoState>()((set, get) => ({
  reference: null,
  detail: null,
  loading: false,
  error: null,
  contextSize: DEFAULT_FIT_CONTEXT,
  fits: {},
  fitsLoading: false,
  fitsError: null,
  async open(reference) {
    const mine = ++openGeneration;
    fitGeneration++;
    set({ reference, detail: null, loading: true, error: null, fits: {}, fitsLoading: false, fitsError: null });
    try {
      const detail = await api.hub.getRepo({ reference });
      if (mine !== openGeneration) return;
      set({ detail, loading: false });
      // The table shows now; the fits need each file's remote header and come later.
      void get().refreshFits();
    } catch (error) {
      if (mine === openGeneration) set({ loading: false, error: errorMessage(error) });
    }
  },
  async setContextSize(contextSize) {
    set({ contextSize });
    await get().refreshFits();
  },
  async refreshFits() {
    const detail = get().detail;
    if (!detail || detail.repo.files.length === 0) return;
    const mine = ++fitGeneration;
    set({ fitsLoading: true, fitsError: null });
    try {
      const revision = detail.repo.sha ? { revision: detail.repo.sha } : {};
      const fit = await api.hub.estimateFits({ repo: detail.repo.id, ...revision, contextSize: get().contextSize });
      if (mine === fitGeneration) set({ fits: Object.fromEntries(fit.files.map((file) => [file.name, file])), fitsLoading: false });
    } catch (error) {
      if (mine === fitGeneration) set({ fitsLoading: false, fitsError: errorMessage(error) });
    }
  },
}));

/**
 * Names that tell a repo's models apart in button names ("Download Q4_K_M"): the quantization
 * when no other model of the repo has it, else the file name.
 */
export function fileLabels(files: readonly { name: string; quant?: string | undefined; projector: boolean }[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const file of files) if (file.quant && !file.projector) counts.set(file.quant, (counts.get(file.quant) ?? 0) + 1);
  const labels = new Map<string, string>();
  for (const file of files) labels.set(file.name, file.quant && !file.projector && counts.get(file.quant) === 1 ? file.quant : file.name);
  return labels;
}
