import { create } from 'zustand';
import type { AppInfo } from '../../../shared/dto';
import { api } from '../api/api';
import { errorMessage } from '../api/errors';

interface AppInfoState {
  info: AppInfo | null;
  error: string | null;
  fetch(): Promise<void>;
}

/** Static facts about this Hearth (models folder, default threads); fetched once at startup. */
export const useAppInfoStore = create<AppInfoState>()((set) => ({
  info: null,
  error: null,
  async fetch() {
    try {
      set({ info: await api.app.getInfo(), error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
}));
