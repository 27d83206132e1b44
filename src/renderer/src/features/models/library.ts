import { create } from 'zustand';
import type { LibraryFolder, LibraryFolderKind, ModelInfo } from '../../../../shared/dto';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';

export type ImportMode = 'copy' | 'move' | 'link';

interface LibraryState {
  /** The models folder, added folders, and suggestions (`added: false`). */
  folders: LibraryFolder[];
  /** At least one listing answered (the Folders section was shown). */
  listed: boolean;
  loading: boolean;
  error: string | null;
  /** The folder an Add / Remove is running for. */
  busyPath: string | null;
  /** Why the last Add / Remove failed, beside the folder (or the Add form, `path` = what was typed). */
  folderError: { path: string; message: string } | null;
  importing: boolean;
  importResult: { ok: true; model: ModelInfo } | { ok: false; message: string } | null;
  refreshFolders(): Promise<void>;
  /** Resolves true when the folder was added. */
  addFolder(path: string): Promise<boolean>;
  removeFolder(path: string): Promise<void>;
  importModel(path: string, mode: ImportMode): Promise<void>;
  /** Deletes a model's files; resolves the error message, or null when it is gone. */
  deleteModel(modelId: string): Promise<string | null>;
}

/** Counts listings so a slow, older one never overwrites a newer one. */
let generation = 0;

/** Library folders, import and delete. The models list itself follows `library.changed` (see subscriptions). */
export const useLibraryStore = create<LibraryState>()((set, get) => ({
  folders: [],
  listed: false,
  loading: false,
  error: null,
  busyPath: null,
  folderError: null,
  importing: false,
  importResult: null,
  async refreshFolders() {
    const mine = ++generation;
    set({ loading: true });
    try {
      const folders = await api.library.listFolders();
      if (mine === generation) set({ folders, listed: true, loading: false, error: null });
    } catch (error) {
      if (mine === generation) set({ loading: false, error: errorMessage(error) });
    }
  },
  async addFolder(path) {
    set({ busyPath: path, folderError: null });
    try {
      await api.library.addFolder({ path });
      void get().refreshFolders();
      return true;
    } catch (error) {
      set({ folderError: { path, message: errorMessage(error) } });
      return false;
    } finally {
      set({ busyPath: null });
    }
  },
  async removeFolder(path) {
    set({ busyPath: path, folderError: null });
    try {
      await api.library.removeFolder({ path });
      void get().refreshFolders();
    } catch (error) {
      set({ folderError: { path, message: errorMessage(error) } });
    } finally {
      set({ busyPath: null });
    }
  },
  async importModel(path, mode) {
    set({ importing: true, importResult: null });
    try {
      const model = await api.library.importModel({ path, mode });
      set({ importResult: { ok: true, model } });
    } catch (error) {
      set({ importResult: { ok: false, message: errorMessage(error) } });
    } finally {
      set({ importing: false });
    }
  },
  async deleteModel(modelId) {
    try {
      await api.library.deleteModel({ modelId });
      return null;
    } catch (error) {
      return errorMessage(error);
    }
  },
}));

const KIND_TEXT: Record<LibraryFolderKind, string> = {
  models: 'Hearth models folder',
  lmstudio: 'LM Studio models',
  'hf-cache': 'Hugging Face cache',
  custom: 'Added folder',
};

/** What a folder is, in words: "LM Studio models". */
export function folderKindText(kind: LibraryFolderKind): string {
  return KIND_TEXT[kind];
}

/** The folders shown as the library (models folder first), and the ones only suggested. */
export function splitFolders(folders: readonly LibraryFolder[]): { added: LibraryFolder[]; suggested: LibraryFolder[] } {
  const added = folders.filter((f) => f.added).sort((a, b) => Number(b.kind === 'models') - Number(a.kind === 'models'));
  return { added, suggested: folders.filter((f) => !f.added && f.exists) };
}
