import type { DownloadStartArgs } from '../../../shared/hubSchemas';
import type { DownloadStatus } from '../../../shared/hubDto';
import { AppError, toErrorShape } from '../../../shared/errors';
import type { EventBus } from '../events/eventBus';
import type { HubService } from '../hub/hubService';
import type { Logger } from '../logging/logger';
import type { DownloadManager } from './downloadManager';

export interface DownloadsServiceOptions {
  manager: DownloadManager;
  hub: Pick<HubService, 'repoAt'>;
  events: EventBus;
  /** Loads a downloaded model with the recommended settings ("Download & load"). */
  loadModel: (modelId: string) => Promise<unknown>;
  logger: Logger;
}

/**
 * Downloads as the contract exposes them. A client names a repo and a model of its listing;
 * sizes, hashes and URLs come from the Hub, never from the caller. Every change goes out as a
 * `downloads.changed` event (progress throttled by the manager), a verified model as
 * `library.changed`, and "Download & load" loads the model here, in core, so it happens even
 * when the window that asked is closed.
 */
export class DownloadsService {
  /** Downloads to load once done, and why their load failed. */
  private readonly loadWhenDone = new Set<string>();
  private readonly loadErrors = new Map<string, string>();

  constructor(private readonly options: DownloadsServiceOptions) {
    options.manager.onChange((status) => {
      options.events.emit('downloads.changed', this.decorate(status));
      if (status.state === 'done' && status.modelId !== undefined && this.loadWhenDone.delete(status.id)) {
        void this.load(status.id, status.modelId);
      }
    });
  }

  async start(args: DownloadStartArgs): Promise<DownloadStatus> {
    const repo = await this.options.hub.repoAt(args.repo, args.revision);
    const file = repo.files.find((candidate) => candidate.name === args.file);
    if (!file) throw new AppError('NOT_FOUND', `${repo.id} has no file "${args.file}".`);
    if (file.projector) throw new AppError('BAD_REQUEST', `${file.name} is a vision projector, not a model on its own.`);
    // The listing's commit pins every part to one snapshot even if the repo changes meanwhile.
    const id = await this.options.manager.start({ repo: repo.id, file, revision: repo.sha || args.revision || 'main' });
    if (args.loadWhenDone) {
      this.loadWhenDone.add(id);
      const status = this.options.manager.statusOf(id);
      // Already on disk and verified (a second click): load now.
      if (status.state === 'done' && status.modelId !== undefined && this.loadWhenDone.delete(id)) void this.load(id, status.modelId);
    }
    return this.status(id);
  }

  list(): DownloadStatus[] {
    return this.options.manager.list().map((status) => this.decorate(status));
  }

  async pause(id: string): Promise<DownloadStatus> {
    await this.options.manager.pause(id);
    return this.status(id);
  }

  resume(id: string): DownloadStatus {
    this.options.manager.resume(id);
    return this.status(id);
  }

  async cancel(id: string): Promise<DownloadStatus> {
    this.loadWhenDone.delete(id);
    await this.options.manager.cancel(id);
    return this.status(id);
  }

  dismiss(id: string): boolean {
    const dismissed = this.options.manager.dismiss(id);
    if (dismissed) {
      this.loadWhenDone.delete(id);
      this.loadErrors.delete(id);
    }
    return dismissed;
  }

  private status(id: string): DownloadStatus {
    return this.decorate(this.options.manager.statusOf(id));
  }

  private decorate(status: DownloadStatus): DownloadStatus {
    const loadError = this.loadErrors.get(status.id);
    return {
      ...status,
      ...(this.loadWhenDone.has(status.id) ? { loadWhenDone: true } : {}),
      ...(loadError !== undefined ? { loadError } : {}),
    };
  }

  private async load(id: string, modelId: string): Promise<void> {
    try {
      await this.options.loadModel(modelId);
    } catch (error) {
      const message = toErrorShape(error).message;
      this.options.logger.warn('download & load: the load failed', { id, modelId, error: message });
      this.loadErrors.set(id, `Downloaded, but loading failed: ${message}`);
      try {
        this.options.events.emit('downloads.changed', this.status(id));
      } catch {
        // Dismissed meanwhile: nobody shows it any more.
      }
    }
  }
}
