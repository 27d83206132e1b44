import { create } from 'zustand';
import type { McpImportResult, McpOverview, McpTool } from '../../../../shared/mcpDto';
import type { McpSaveServerArgs } from '../../../../shared/mcpSchemas';
import { api } from '../../api/api';
import { errorMessage } from '../../api/errors';

/** A server's tools as this page last read them (reading one starts the server). */
export type ToolsState = { state: 'loading' } | { state: 'loaded'; tools: McpTool[] } | { state: 'failed'; error: string };

interface McpState {
  /** Null until the first `mcp.listServers` answer. */
  overview: McpOverview | null;
  loadError: string | null;
  tools: Record<string, ToolsState>;
  /** Names whose switch or removal waits for an answer. */
  pending: Record<string, boolean>;
  /** Why the last switch or removal of a server failed, by name. */
  rowErrors: Record<string, string>;
  fetch(): Promise<void>;
  apply(overview: McpOverview): void;
  /** Saves a server; enabled ones are then started to read their tools. Resolves with an error message, or null. */
  save(args: McpSaveServerArgs): Promise<string | null>;
  remove(name: string): Promise<void>;
  setEnabled(name: string, enabled: boolean): Promise<void>;
  importText(text: string): Promise<{ ok: true; result: McpImportResult } | { ok: false; error: string }>;
  loadTools(name: string): Promise<void>;
}

export const useMcpStore = create<McpState>()((set, get) => ({
  overview: null,
  loadError: null,
  tools: {},
  pending: {},
  rowErrors: {},
  async fetch() {
    try {
      get().apply(await api.mcp.listServers({}));
      set({ loadError: null });
    } catch (error) {
      set({ loadError: errorMessage(error) });
    }
  },
  apply(overview) {
    set((s) => {
      // Tools read before a server stopped or changed are stale; keep only running servers' lists.
      const tools: Record<string, ToolsState> = {};
      for (const server of overview.servers) {
        const known = s.tools[server.name];
        if (known && (known.state === 'loading' || server.status.state === 'ready' || known.state === 'failed')) tools[server.name] = known;
      }
      return { overview, tools };
    });
  },
  async save(args) {
    try {
      get().apply(await api.mcp.saveServer(args));
    } catch (error) {
      return errorMessage(error);
    }
    const saved = get().overview?.servers.find((server) => server.name === args.name);
    if (saved?.enabled) void get().loadTools(args.name);
    return null;
  },
  async remove(name) {
    await act(set, get, name, () => api.mcp.removeServer({ name }));
  },
  async setEnabled(name, enabled) {
    const ok = await act(set, get, name, () => api.mcp.setEnabled({ name, enabled }));
    if (ok && enabled) void get().loadTools(name);
  },
  async importText(text) {
    try {
      const result = await api.mcp.importConfig({ text });
      get().apply(result.overview);
      return { ok: true, result };
    } catch (error) {
      return { ok: false, error: errorMessage(error) };
    }
  },
  async loadTools(name) {
    set((s) => ({ tools: { ...s.tools, [name]: { state: 'loading' } } }));
    try {
      const { tools } = await api.mcp.listTools({ name });
      set((s) => ({ tools: { ...s.tools, [name]: { state: 'loaded', tools } } }));
    } catch (error) {
      set((s) => ({ tools: { ...s.tools, [name]: { state: 'failed', error: errorMessage(error) } } }));
    }
  },
}));

async function act(
  set: (partial: (s: McpState) => Partial<McpState>) => void,
  get: () => McpState,
  name: string,
  call: () => Promise<McpOverview>,
): Promise<boolean> {
  set((s) => ({ pending: { ...s.pending, [name]: true }, rowErrors: without(s.rowErrors, name) }));
  try {
    get().apply(await call());
    return true;
  } catch (error) {
    set((s) => ({ rowErrors: { ...s.rowErrors, [name]: errorMessage(error) } }));
    return false;
  } finally {
    set((s) => ({ pending: without(s.pending, name) }));
  }
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const next = { ...record };
  delete next[key];
  return next;
}
