/**
 * The Hugging Face Hub side of the core: the Hub client and search, remote fit estimates,
 * licences, starter picks, and the downloads that bring models from the Hub into the library.
 */
import type { EventBus } from './events/eventBus';
import type { TradeoffService } from './bench/tradeoffService';
import { DownloadManager } from './downloads/downloadManager';
import { DownloadsService } from './downloads/downloadsService';
import type { FitService } from './hardware/fitService';
import { HubClient } from './hub/hubClient';
import { HubService } from './hub/hubService';
import { LicenceService } from './hub/licence';
import { RemoteFitService } from './hub/remoteFit';
import { StarterService } from './hub/starters';
import type { InferenceService } from './inference/inferenceService';
import type { SettingsStore } from './settings/settingsStore';
import type { CoreOptions } from './createCore';

/** What the Hub services use of the rest of the core. */
export interface HubServiceDeps {
  events: EventBus;
  settings: SettingsStore;
  fit: FitService;
  tradeoff: TradeoffService;
  inference: InferenceService;
}

export interface HubServices {
  hub: HubService;
  licences: LicenceService;
  starters: StarterService;
  /** Transfers and their journal; `createCore`'s dispose closes it. */
  downloadManager: DownloadManager;
  downloads: DownloadsService;
}

/** Builds the Hub services and, when `options.resumeDownloads`, continues the journalled downloads. */
export function createHubServices(
  options: Pick<CoreOptions, 'hub' | 'modelsDir' | 'dataDir' | 'logger' | 'downloadRetry' | 'resumeDownloads'>,
  { events, settings, fit, tradeoff, inference }: HubServiceDeps,
): HubServices {
  const hubClient = new HubClient({ endpoint: options.hub.endpoint, ...(options.hub.token ? { token: options.hub.token } : {}) });
  const remoteFit = new RemoteFitService({ hub: hubClient, token: options.hub.token, recommendContext: () => tradeoff.context() });
  const hub = new HubService({
    client: hubClient,
    remoteFit,
    fitHardware: () => fit.fitHardware(),
  });
  const licences = new LicenceService(settings);
  const starters = new StarterService({ hub, remoteFit, licences, fitHardware: () => fit.fitHardware() });
  const downloadManager = new DownloadManager({
    hub: hubClient,
    modelsDir: options.modelsDir,
    dataDir: options.dataDir,
    logger: options.logger,
    ...(options.downloadRetry ? { retry: options.downloadRetry } : {}),
    onModelReady: (modelId) => events.emit('library.changed', { reason: `downloaded ${modelId}` }),
  });
  const downloads = new DownloadsService({
    manager: downloadManager,
    hub,
    events,
    logger: options.logger,
    // No context or parallel given: the load plan picks what fits (the recommended settings).
    loadModel: (modelId) => inference.loadModel({ modelId }),
  });
  if (options.resumeDownloads) {
    void downloadManager.resumeAll().catch((error: unknown) => options.logger.error('resuming downloads failed', { error: String(error) }));
  }
  return { hub, licences, starters, downloadManager, downloads };
}
