import { create } from 'zustand';
import type { ProviderInfo } from '../../../../shared/dto';
import type { ProviderAddArgs } from '../../../../shared/schemas';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';

interface ProvidersState {
  /** Null until the first `providers.list` answer. */
  providers: ProviderInfo[] | null;
  loadError: string | null;
  /** Names whose check or removal waits for an answer; `*` = a refresh of all. */
  pending: Record<string, boolean>;
  /** Why the last removal of a provider failed, by name. */
  rowErrors: Record<string, string>;
  fetch(): Promise<void>;
  /** Adds (and checks) a provider; resolves with an error message, or null. */
  add(args: ProviderAddArgs): Promise<string | null>;
  remove(name: string): Promise<void>;
  test(name: string): Promise<void>;
  refreshAll(): Promise<void>;
}

/** Settings → Providers: the remote servers, as core last checked them (never their keys). */
export const useProvidersStore = create<ProvidersState>()((set) => {
  const replace = (info: ProviderInfo) =>
    set((s) => ({ providers: s.providers?.some((p) => p.name === info.name) ? s.providers.map((p) => (p.name === info.name ? info : p)) : [...(s.providers ?? []), info] }));
  const busy = (name: string, value: boolean) => set((s) => ({ pending: { ...s.pending, [name]: value } }));
  return {
    providers: null,
    loadError: null,
    pending: {},
    rowErrors: {},
    async fetch() {
      try {
        set({ providers: await api.providers.list({}), loadError: null });
      } catch (error) {
        set({ loadError: errorMessage(error) });
      }
    },
    async add(args) {
      try {
        replace(await api.providers.add(args));
        return null;
      } catch (error) {
        return errorMessage(error);
      }
    },
    async remove(name) {
      busy(name, true);
      try {
        await api.providers.remove({ name });
        set((s) => ({ providers: (s.providers ?? []).filter((p) => p.name !== name) }));
      } catch (error) {
        set((s) => ({ rowErrors: { ...s.rowErrors, [name]: errorMessage(error) } }));
      } finally {
        busy(name, false);
      }
    },
    async test(name) {
      busy(name, true);
      try {
        replace(await api.providers.test({ name }));
      } catch (error) {
        set((s) => ({ rowErrors: { ...s.rowErrors, [name]: errorMessage(error) } }));
      } finally {
        busy(name, false);
      }
    },
    async refreshAll() {
      busy('*', true);
      try {
        set({ providers: await api.providers.refresh({}), loadError: null });
      } catch (error) {
        set({ loadError: errorMessage(error) });
      } finally {
        busy('*', false);
      }
    },
  };
});

/**
 * Whether `modelId` names a configured provider's model (`<provider>/<model>`), and that model as
 * last listed (undefined when the provider has not listed it yet). Such a model needs no loading:
 * the chat can send at once, and a provider that is down answers with its reason.
 */
export function useRemoteModel(modelId: string | null): { remote: boolean; available: boolean; provider: string | null; reason?: string } {
  return useProvidersStore((s) => {
    const provider = modelId ? s.providers?.find((p) => modelId.startsWith(`${p.name}/`)) : undefined;
    if (!provider || !modelId) return NOT_REMOTE;
    const listed = provider.models.find((m) => m.id === modelId);
    return remoteView(provider.name, listed?.available ?? provider.status !== 'down', listed?.unavailableReason ?? provider.error);
  });
}

const NOT_REMOTE = { remote: false, available: false, provider: null } as const;
const views = new Map<string, { remote: true; available: boolean; provider: string; reason?: string }>();

/** One object per distinct answer, so the selector above does not re-render on every store change. */
function remoteView(provider: string, available: boolean, reason: string | undefined) {
  const key = `${provider}\0${available}\0${reason ?? ''}`;
  let view = views.get(key);
  if (!view) {
    view = { remote: true, available, provider, ...(reason && !available ? { reason } : {}) };
    views.set(key, view);
  }
  return view;
}
