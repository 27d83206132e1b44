import { create } from 'zustand';
import type { LabGroup, LabProgress, LabRun } from '../../../../shared/labDto';
import type { LabRunArgs } from '../../../../shared/labSchemas';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';

interface LabState {
  groups: LabGroup[] | null;
  runs: LabRun[];
  /** The run shown in the table and chart. */
  selectedRunId: string | null;
  /** Progress of the run this page started, while it runs. */
  progress: LabProgress | null;
  running: boolean;
  error: string | null;
  load(): Promise<void>;
  start(args: LabRunArgs): Promise<void>;
  cancel(): Promise<void>;
  select(runId: string): void;
}

/** The lab's state; the running call lives here, not in a component, so leaving the view does not stop it. */
export const useLabStore = create<LabState>()((set, get) => ({
  groups: null,
  runs: [],
  selectedRunId: null,
  progress: null,
  running: false,
  error: null,
  load: async () => {
    try {
      const [groups, runs] = await Promise.all([api.lab.listGroups(), api.lab.listResults()]);
      set((s) => ({ groups, runs, selectedRunId: s.selectedRunId ?? runs[0]?.id ?? null, error: null }));
    } catch (error) {
      set({ error: errorMessage(error), groups: get().groups ?? [] });
    }
  },
  start: async (args) => {
    if (get().running) return;
    set({ running: true, progress: null, error: null });
    try {
      const run = await api.lab.run(args, { onChunk: (progress) => set({ progress }) });
      const runs = await api.lab.listResults().catch(() => [run, ...get().runs]);
      set({ runs: runs.some((r) => r.id === run.id) ? runs : [run, ...runs], selectedRunId: run.id });
      if (run.status === 'failed') set({ error: `The lab stopped: ${run.error ?? 'unknown error'}` });
    } catch (error) {
      set({ error: errorMessage(error) });
    } finally {
      set({ running: false, progress: null });
    }
  },
  cancel: async () => {
    await api.lab.cancel().catch((error: unknown) => set({ error: errorMessage(error) }));
  },
  select: (runId) => set({ selectedRunId: runId }),
}));

/** Saves text as a file through the browser (works the same in the window and in a browser tab). */
export function saveTextFile(fileName: string, mimeType: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
