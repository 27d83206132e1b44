import type { DownloadState, DownloadStatus } from '../../../../shared/hubDto';

/**
 * The downloads as the renderer keeps them: statuses by id plus the order they appeared in.
 * Progress events replace one entry of `byId` and leave `ids` alone, so the list (which reads
 * only `ids`) does not re-render on progress; each row reads its own entry.
 */
export interface DownloadsSlice {
  /** Oldest first; changes only when a download appears or is dismissed. */
  ids: string[];
  byId: Record<string, DownloadStatus>;
}

export const emptyDownloads: DownloadsSlice = { ids: [], byId: {} };

/** Queued, transferring or verifying: the download is still working. */
export const ACTIVE_STATES: ReadonlySet<DownloadState> = new Set(['queued', 'downloading', 'verifying']);

/**
 * One status (an event or a call's answer) applied. Core forgets "Download & load" once it
 * starts the load, so later statuses of the same download lack the flag: it is kept here.
 */
export function applyStatus(slice: DownloadsSlice, status: DownloadStatus): DownloadsSlice {
  const previous = slice.byId[status.id];
  return {
    ids: previous ? slice.ids : [...slice.ids, status.id],
    byId: { ...slice.byId, [status.id]: merge(previous, status) },
  };
}

/** The whole list from `downloads.list` (start-up, reconnect), keeping flags only this window knew. */
export function replaceAll(slice: DownloadsSlice, list: DownloadStatus[]): DownloadsSlice {
  const byId: Record<string, DownloadStatus> = {};
  for (const status of list) byId[status.id] = merge(slice.byId[status.id], status);
  const ids = list.map((status) => status.id);
  // Same membership and order: keep the old array so the list does not re-render.
  const same = ids.length === slice.ids.length && ids.every((id, i) => id === slice.ids[i]);
  return { ids: same ? slice.ids : ids, byId };
}

function merge(previous: DownloadStatus | undefined, status: DownloadStatus): DownloadStatus {
  return previous?.loadWhenDone && !status.loadWhenDone ? { ...status, loadWhenDone: true } : status;
}

export function removeDownload(slice: DownloadsSlice, id: string): DownloadsSlice {
  if (!slice.byId[id]) return slice;
  const byId = { ...slice.byId };
  delete byId[id];
  return { ids: slice.ids.filter((other) => other !== id), byId };
}

/**
 * The download of one file of a repo that the repo page shows in its row: the newest one that
 * is not cancelled (a cancelled download leaves the row offering Download again).
 */
export function downloadForFile(slice: DownloadsSlice, repo: string, name: string): DownloadStatus | undefined {
  for (let i = slice.ids.length - 1; i >= 0; i--) {
    const status = slice.byId[slice.ids[i]!];
    if (status && status.repo === repo && status.name === name && status.state !== 'cancelled') return status;
  }
  return undefined;
}

/** Whole percent received, 0–100; 0 when the size is unknown. */
export function percentOf(status: Pick<DownloadStatus, 'receivedBytes' | 'totalBytes'>): number {
  if (!(status.totalBytes > 0)) return 0;
  return Math.min(100, Math.max(0, Math.floor((status.receivedBytes / status.totalBytes) * 100)));
}

/**
 * One line for the status bar: "1 downloading · 45 %", "2 paused", "1 failed", joined with
 * " · "; empty when nothing needs attention (finished downloads are not mentioned).
 */
export function downloadsSummary(slice: DownloadsSlice): string {
  let active = 0;
  let paused = 0;
  let failed = 0;
  let received = 0;
  let total = 0;
  for (const id of slice.ids) {
    const status = slice.byId[id];
    if (!status) continue;
    if (ACTIVE_STATES.has(status.state)) {
      active++;
      received += status.receivedBytes;
      total += status.totalBytes;
    } else if (status.state === 'paused') paused++;
    else if (status.state === 'failed') failed++;
  }
  const parts: string[] = [];
  if (active > 0) parts.push(`${active} downloading · ${percentOf({ receivedBytes: received, totalBytes: total })} %`);
  if (paused > 0) parts.push(`${paused} paused`);
  if (failed > 0) parts.push(`${failed} failed`);
  return parts.join(' · ');
}
