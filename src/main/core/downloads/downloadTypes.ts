import type { HubGgufFile } from '../hub/hubTypes';

/** Life cycle of one download; `done`, `failed` and `cancelled` are final until started again. */
export type DownloadState = 'queued' | 'downloading' | 'paused' | 'verifying' | 'done' | 'failed' | 'cancelled';

/** What `list()` and `onChange` report; plain JSON so it can cross IPC later. */
export interface DownloadStatus {
  id: string;
  /** `owner/repo`. */
  repo: string;
  /** Display name: the single file or the first part. */
  name: string;
  quant?: string;
  state: DownloadState;
  /** Bytes on disk for this model (finished parts plus the partial file), in bytes. */
  receivedBytes: number;
  /** Sum of all parts, in bytes. */
  totalBytes: number;
  /** Recent average, in bytes per second; 0 when not transferring. */
  bytesPerSecond: number;
  /** Seconds until done at the recent speed; absent when unknown (no speed yet). */
  etaSeconds?: number;
  /** For `failed`: what happened and what to do. */
  error?: string;
}

/** What the journal keeps per download so a new process can resume it. */
export interface JournalEntry {
  id: string;
  repo: string;
  /** Commit or branch the parts are fetched at; a commit keeps every part from the same snapshot. */
  revision: string;
  file: HubGgufFile;
  /** Only unfinished states are journalled. */
  state: 'queued' | 'downloading' | 'paused' | 'verifying';
}

export interface Journal {
  version: 1;
  downloads: JournalEntry[];
}
