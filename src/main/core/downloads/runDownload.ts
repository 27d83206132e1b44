// The run-one-download step: check the disk, fetch and verify every part in order, then
// settle the download as done or failed (or leave it as pause, cancel or close set it).
import type { HubClient } from '../hub/hubClient';
import type { Logger } from '../logging/logger';
import type { Download } from './downloadRecord';
import type { DownloadState } from './downloadTypes';
import { checkDiskSpace } from './modelFiles';
import { modelIdOf, partTarget } from './modelPaths';
import { downloadPart, type RetryPolicy } from './partDownloader';

/** The manager's settings a run needs, and its hooks into the manager's events and journal. */
export interface RunContext {
  hub: HubClient;
  modelsDir: string;
  logger: Logger;
  retry: RetryPolicy;
  freeBytes: (dir: string) => Promise<number>;
  onModelReady?: (modelId: string) => void;
  /** True once the manager is closing: the journal must keep saying the download was running. */
  isClosing: () => boolean;
  /** Sets the download's state; a change is emitted and journalled. */
  setState: (state: DownloadState) => void;
  /** Emits and journals the download as it is now. */
  changed: () => void;
  /** Records the model's bytes received so far, in bytes; emitted throttled. */
  progress: (receivedBytes: number) => void;
}

export async function runDownload(download: Download, signal: AbortSignal, context: RunContext): Promise<void> {
  const { repo, revision, file } = download.entry;
  const { hub, modelsDir, logger, retry } = context;
  download.meter.reset();
  context.setState('downloading');
  try {
    await checkDiskSpace(modelsDir, repo, file, context.freeBytes);
    let finishedBytes = 0;
    for (const part of file.parts) {
      const target = partTarget(modelsDir, repo, part.path);
      await downloadPart({
        hub, repo, revision, part, ...target, signal, retry, logger,
        onBytes: (bytes) => context.progress(finishedBytes + bytes),
        onVerifying: () => context.setState('verifying'),
      });
      finishedBytes += part.size;
      // A pause during the hash check lands here: honour it before the next part.
      if (signal.aborted) throw signal.reason;
      if (download.state === 'verifying') context.setState('downloading');
    }
    download.receivedBytes = file.size;
    download.meter.reset();
    context.setState('done');
    logger.info('model downloaded', { repo, name: file.name });
    announce(context, modelIdOf(repo, file.parts[0]?.path ?? file.name));
  } catch (error) {
    if (context.isClosing()) return;
    download.meter.reset();
    // pause() / cancel() already set the state before aborting; anything else is a failure.
    if (signal.aborted && (download.state === 'paused' || download.state === 'cancelled')) {
      context.changed();
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    logger.warn('download failed', { repo, name: file.name, error: message });
    download.error = message;
    context.setState('failed');
  }
}

function announce(context: RunContext, modelId: string): void {
  try {
    context.onModelReady?.(modelId);
  } catch (error) {
    context.logger.error('onModelReady threw', { modelId, error: String(error) });
  }
}
