import { create } from 'zustand';
import type { DownloadStatus } from '../../../../shared/hubDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';
import { applyStatus, downloadForFile, downloadsSummary, emptyDownloads, removeDownload, replaceAll, type DownloadsSlice } from './downloadsReducer';

/** Key of a repo file for errors of a Download click: `owner/repo` + file name. */
export function fileKey(repo: string, file: string): string {
  return `${repo}\u0000${file}`;
}

interface DownloadsState extends DownloadsSlice {
  /** The last `downloads.list` failed (the list shown may be stale). */
  listError: string | null;
  /** Why a Download click was refused (disk full, file gone), by {@link fileKey}. */
  startErrors: Record<string, string>;
  /** A Download click waiting for its answer, by {@link fileKey}. */
  starting: Record<string, true>;
  /** Why Pause / Resume / Cancel / Dismiss of a download failed, by id. */
  actionErrors: Record<string, string>;
  /** The Downloads panel is shown. */
  panelOpen: boolean;
  refresh(): Promise<void>;
  applyStatus(status: DownloadStatus): void;
  start(args: { repo: string; file: string; revision?: string; loadWhenDone?: boolean }): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  cancel(id: string): Promise<void>;
  dismiss(id: string): Promise<void>;
  setPanelOpen(open: boolean): void;
}

/** Counts listings so a slow, older one never overwrites a newer one. */
let generation = 0;

export const useDownloadsStore = create<DownloadsState>()((set, get) => {
  /** Runs one action on a download, keeping its error beside it. */
  const act = async (id: string, call: () => Promise<unknown>) => {
    set((s) => ({ actionErrors: without(s.actionErrors, id) }));
    try {
      await call();
    } catch (error) {
      set((s) => ({ actionErrors: { ...s.actionErrors, [id]: errorMessage(error) } }));
    }
  };
  /**
   * A call's answer fills in a download this window has not heard of yet; otherwise events
   * (sent before the answer, and newer) already said it.
   */
  const learn = (status: DownloadStatus) => {
    if (!get().byId[status.id]) set((s) => applyStatus(s, status));
  };
  return {
    ...emptyDownloads,
    listError: null,
    startErrors: {},
    starting: {},
    actionErrors: {},
    panelOpen: false,
    async refresh() {
      const mine = ++generation;
      try {
        const list = await api.downloads.list();
        if (mine === generation) set((s) => ({ ...replaceAll(s, list), listError: null }));
      } catch (error) {
        if (mine === generation) set({ listError: errorMessage(error) });
      }
    },
    applyStatus(status) {
      set((s) => applyStatus(s, status));
    },
    async start(args) {
      const key = fileKey(args.repo, args.file);
      set((s) => ({ starting: { ...s.starting, [key]: true }, startErrors: without(s.startErrors, key) }));
      try {
        // The panel stays as it was: progress shows where the click was and in the status bar's
        // indicator, so starting a download never covers or squeezes the view (e.g. the chat).
        learn(await api.downloads.start(args));
      } catch (error) {
        set((s) => ({ startErrors: { ...s.startErrors, [key]: errorMessage(error) } }));
      } finally {
        set((s) => ({ starting: without(s.starting, key) }));
      }
    },
    pause: (id) => act(id, () => api.downloads.pause({ id })),
    resume: (id) => act(id, () => api.downloads.resume({ id })),
    cancel: (id) => act(id, () => api.downloads.cancel({ id })),
    dismiss: (id) =>
      act(id, async () => {
        await api.downloads.dismiss({ id });
        set((s) => removeDownload(s, id));
      }),
    setPanelOpen(open) {
      set({ panelOpen: open });
    },
  };
});

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}

type S = DownloadsState;

export const selectDownload =
  (id: string) =>
  (s: S): DownloadStatus | undefined =>
    s.byId[id];

export const selectDownloadForFile =
  (repo: string, file: string) =>
  (s: S): DownloadStatus | undefined =>
    downloadForFile(s, repo, file);

/** A string, so the status bar re-renders only when the text changes, not on every progress event. */
export const selectSummary = (s: S): string => downloadsSummary(s);
