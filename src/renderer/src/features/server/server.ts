import { create } from 'zustand';
import type { ApiRequestLogEntry, ApiServerStatus } from '../../../../shared/serverDto';
import type { ServerStartArgs } from '../../../../shared/serverSchemas';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';
import { addLogEntries, LOG_LIMIT } from './requestLog';
import { formFromSettings, generateApiKey, validateForm, type ServerForm } from './serverSettings';

/** What the next start does with the key: keep the current one, use a new one, or check none. */
export type KeyChange = { kind: 'keep' } | { kind: 'new'; key: string } | { kind: 'none' };

interface ServerState {
  /** Null until the first `server.getStatus` answer. */
  status: ApiServerStatus | null;
  statusError: string | null;
  /** The live request log, newest first, at most {@link LOG_LIMIT} rows. */
  log: ApiRequestLogEntry[];
  logError: string | null;
  /** The settings as edited; null until the status gave the last used ones. */
  draft: ServerForm | null;
  keyChange: KeyChange;
  /** The key the server checks, when this page made it (the server never tells it). */
  knownKey: string | null;
  /** A start or stop waiting for its answer. */
  busy: 'starting' | 'stopping' | null;
  /** Why the last start or stop failed (port in use, …), shown beside the toggle. */
  actionError: string | null;
  fetchStatus(): Promise<void>;
  fetchLog(): Promise<void>;
  applyStatus(status: ApiServerStatus): void;
  applyLogEntry(entry: ApiRequestLogEntry): void;
  editDraft(patch: Partial<ServerForm>): void;
  /** Makes a new key for the next start (shown until then, and copyable while this page knows it). */
  generateKey(): void;
  /** The next start checks no key. */
  clearKey(): void;
  /** Forgets a key change not applied yet. */
  keepKey(): void;
  /** Starts (or restarts) with the draft; false when the draft is invalid or the start failed. */
  start(): Promise<boolean>;
  stop(): Promise<void>;
}

/** `server.start` arguments for a valid draft and key change. */
export function startArgs(draft: ServerForm, keyChange: KeyChange): ServerStartArgs | null {
  const checked = validateForm(draft);
  if (!checked.ok) return null;
  if (keyChange.kind === 'new') return { ...checked.args, apiKey: keyChange.key };
  if (keyChange.kind === 'none') return { ...checked.args, apiKey: null };
  // Left out, the server keeps the key it had (the last used settings).
  return checked.args;
}

export const useServerStore = create<ServerState>()((set, get) => ({
  status: null,
  statusError: null,
  log: [],
  logError: null,
  draft: null,
  keyChange: { kind: 'keep' },
  knownKey: null,
  busy: null,
  actionError: null,
  async fetchStatus() {
    try {
      get().applyStatus(await api.server.getStatus({}));
      set({ statusError: null });
    } catch (error) {
      set({ statusError: errorMessage(error) });
    }
  },
  async fetchLog() {
    try {
      const page = await api.server.getLog({ limit: LOG_LIMIT });
      set((s) => ({ log: addLogEntries(s.log, page.entries), logError: null }));
    } catch (error) {
      set({ logError: errorMessage(error) });
    }
  },
  applyStatus(status) {
    set((s) => ({
      status,
      draft: s.draft ?? formFromSettings(status.settings),
      // A key set elsewhere (another window, the CLI) is not the one this page knows.
      knownKey: status.apiKeySet ? s.knownKey : null,
    }));
  },
  applyLogEntry(entry) {
    set((s) => ({ log: addLogEntries(s.log, [entry]) }));
  },
  editDraft(patch) {
    set((s) => ({ draft: { ...(s.draft ?? formFromSettings(s.status?.settings ?? null)), ...patch } }));
  },
  generateKey() {
    set({ keyChange: { kind: 'new', key: generateApiKey() } });
  },
  clearKey() {
    set({ keyChange: { kind: 'none' } });
  },
  keepKey() {
    set({ keyChange: { kind: 'keep' } });
  },
  async start() {
    const { draft, keyChange } = get();
    const args = draft ? startArgs(draft, keyChange) : null;
    if (!args) {
      set({ actionError: 'Fix the settings below first.' });
      return false;
    }
    set({ busy: 'starting', actionError: null });
    try {
      const status = await api.server.start(args);
      set((s) => ({
        keyChange: { kind: 'keep' },
        knownKey: keyChange.kind === 'new' ? keyChange.key : keyChange.kind === 'none' ? null : s.knownKey,
      }));
      get().applyStatus(status);
      return true;
    } catch (error) {
      set({ actionError: errorMessage(error) });
      return false;
    } finally {
      set({ busy: null });
    }
  },
  async stop() {
    set({ busy: 'stopping', actionError: null });
    try {
      get().applyStatus(await api.server.stop({}));
    } catch (error) {
      set({ actionError: errorMessage(error) });
    } finally {
      set({ busy: null });
    }
  },
}));

/** The key examples and Copy use: the real one when known, a placeholder when only set, none without a key. */
export function exampleKey(state: Pick<ServerState, 'status' | 'knownKey'>): string | undefined {
  if (!state.status?.apiKeySet) return undefined;
  return state.knownKey ?? '$HEARTH_API_KEY';
}
