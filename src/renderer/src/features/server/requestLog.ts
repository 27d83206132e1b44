import type { ApiRequestLogEntry } from '../../../../shared/serverDto';

/** The most rows the live log keeps; older ones drop off the end. */
export const LOG_LIMIT = 500;

/**
 * The live log after `incoming` (a `server.getLog` page or one `server.requestLogged` entry):
 * newest first, each id once (a pushed entry that was also in a page is not shown twice), at
 * most `limit` rows. Returns `current` itself when nothing changed.
 */
export function addLogEntries(current: ApiRequestLogEntry[], incoming: ApiRequestLogEntry[], limit = LOG_LIMIT): ApiRequestLogEntry[] {
  if (incoming.length === 0) return current;
  const byId = new Map<number, ApiRequestLogEntry>();
  for (const entry of current) byId.set(entry.id, entry);
  let changed = false;
  for (const entry of incoming) {
    if (byId.get(entry.id) === entry) continue;
    byId.set(entry.id, entry);
    changed = true;
  }
  if (!changed) return current;
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, limit);
}

/** `"12 → 140"` prompt → completion tokens; `"–"` when the request counted none. */
export function formatTokens(entry: ApiRequestLogEntry): string {
  if (entry.promptTokens === undefined && entry.completionTokens === undefined) return '–';
  return `${entry.promptTokens ?? 0} → ${entry.completionTokens ?? 0}`;
}

/** `"840 ms"`, `"12.3 s"`: how long a request took. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
