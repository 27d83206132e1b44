import { create } from 'zustand';
import type { ConnectionState } from '../api/api';

interface ConnectionStoreState {
  state: ConnectionState;
  /** Was open at least once: later non-open states mean "lost", not "still starting". */
  everOpen: boolean;
  set(state: ConnectionState): void;
}

/** Whether the renderer can reach Hearth (always `open` in Electron). */
export const useConnectionStore = create<ConnectionStoreState>()((set) => ({
  state: 'connecting',
  everOpen: false,
  set: (state) => set((current) => ({ state, everOpen: current.everOpen || state === 'open' })),
}));
