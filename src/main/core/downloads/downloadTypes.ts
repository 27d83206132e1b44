import type { HubGgufFile } from '../hub/hubTypes';

export type { DownloadState, DownloadStatus } from '../../../shared/hubDto';

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
