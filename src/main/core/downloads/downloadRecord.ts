// One download's in-memory record, and the public status built from it.
import type { DownloadState, DownloadStatus, JournalEntry } from './downloadTypes';
import { modelIdOf } from './modelPaths';
import { ProgressMeter } from './progressMeter';

export interface Download {
  entry: Omit<JournalEntry, 'state'>;
  state: DownloadState;
  error?: string;
  receivedBytes: number;
  meter: ProgressMeter;
  /** When the last progress event went out, in ms. */
  lastEmitAt: number;
  controller?: AbortController;
  task?: Promise<void>;
}

export function newDownload(entry: Omit<JournalEntry, 'state'>, state: DownloadState): Download {
  return { entry, state, receivedBytes: 0, meter: new ProgressMeter(), lastEmitAt: 0 };
}

export function downloadStatus(download: Download): DownloadStatus {
  const { id, repo, file } = download.entry;
  const transferring = download.state === 'downloading';
  const speed = transferring ? download.meter.bytesPerSecond() : 0;
  const eta = transferring ? download.meter.etaSeconds(file.size) : undefined;
  return {
    id, repo, name: file.name, ...(file.quant ? { quant: file.quant } : {}), state: download.state,
    receivedBytes: download.receivedBytes, totalBytes: file.size, bytesPerSecond: Math.round(speed),
    ...(eta !== undefined ? { etaSeconds: eta } : {}), ...(download.error ? { error: download.error } : {}),
    ...(download.state === 'done' ? { modelId: modelIdOf(repo, file.parts[0]?.path ?? file.name) } : {}),
  };
}
