import { create } from 'zustand';
import type { StarterList, StarterModel } from '../../../../shared/licenceDto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';
import { useDownloadsStore } from '../downloads/downloads';

interface WelcomeState {
  list: StarterList | null;
  loading: boolean;
  error: string | null;
  /** The starter whose "Get started" / "Download & chat" was pressed: followed until it is loaded. */
  started: { repo: string; file: string } | null;
  fetch(): Promise<void>;
  /** Downloads the starter and has core load it when done ("Download & load"). */
  start(starter: StarterModel): Promise<void>;
}

/** The first-run screen: the starters core picked for this machine, and the one being set up. */
export const useWelcomeStore = create<WelcomeState>()((set) => ({
  list: null,
  loading: false,
  error: null,
  started: null,
  async fetch() {
    set({ loading: true, error: null });
    try {
      set({ list: await api.hub.listStarters(), loading: false });
    } catch (error) {
      set({ loading: false, error: errorMessage(error) });
    }
  },
  async start(starter) {
    if (!starter.file) return;
    set({ started: { repo: starter.repo, file: starter.file } });
    await useDownloadsStore.getState().start({
      repo: starter.repo,
      file: starter.file,
      ...(starter.revision ? { revision: starter.revision } : {}),
      loadWhenDone: true,
    });
  },
}));
