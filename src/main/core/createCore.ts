import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createDispatcher, type Dispatch } from '../../shared/dispatcher';
import type { Handlers } from '../../shared/contract';
import type { AppInfo, LoadedModel } from '../../shared/dto';
import { EventBus } from './events/eventBus';
import type { EngineLauncher } from './engine/engineProcess';
import { EngineService, type EngineServiceOptions } from './engine/engineService';
import { FitService } from './hardware/fitService';
import { DownloadManager } from './downloads/downloadManager';
import { DownloadsService } from './downloads/downloadsService';
import { HubClient } from './hub/hubClient';
import { HubService } from './hub/hubService';
import { RemoteFitService } from './hub/remoteFit';
import { HardwareService } from './hardware/hardwareService';
import { LoadMemoryLog } from './hardware/loadMemoryLog';
import { InferenceService } from './inference/inferenceService';
import { LibraryService } from './library/libraryService';
import type { Logger } from './logging/logger';

export interface CoreOptions {
  /** Settings, chats and journals. Never a cache folder. */
  dataDir: string;
  /** GGUF models, LM Studio layout `publisher/repo/file.gguf`. */
  modelsDir: string;
  /** Default generation threads. */
  threads: number;
  /** Most RAM a model may plan to use (fit labels, load-time choices); the machine's when absent. */
  memoryLimitBytes?: number | undefined;
  logger: Logger;
  launchEngine: EngineLauncher;
  host: AppInfo['host'];
  version: string;
  /** The Hugging Face Hub (or a mirror, `HF_ENDPOINT`) and its token; see `resolveStartupConfig`. */
  hub: { endpoint: string; token?: string | undefined };
  /** Continue the downloads the journal says were running when the last process stopped (the app and `serve`; not one-shot CLI commands). */
  resumeDownloads?: boolean;
  /** Download retry bounds (tests shorten them). */
  downloadRetry?: ConstructorParameters<typeof DownloadManager>[0]['retry'];
  /** Queue and watchdog limits of the engine (defaults suit the app; tests shorten them). */
  engine?: Pick<EngineServiceOptions, 'maxQueue' | 'queueTimeoutMs' | 'watchdog'>;
}

/** The app without any host: services, one dispatcher, one event bus. */
export interface Core {
  dispatch: Dispatch;
  events: EventBus;
  info: AppInfo;
  /** The shared engine: every service that needs inference gets this one. */
  engine: EngineService;
  inference: InferenceService;
  library: LibraryService;
  hardware: HardwareService;
  fit: FitService;
  hub: HubService;
  downloads: DownloadsService;
  /** Predicted vs measured memory of every load. */
  loadMemory: LoadMemoryLog;
  logger: Logger;
  /** Ends queued and running replies with `reason`, then stops the engine. */
  dispose(reason?: string): Promise<void>;
}

/** Composition root: wires every service. No module-level singletons anywhere. */
export async function createCore(options: CoreOptions): Promise<Core> {
  await mkdir(options.dataDir, { recursive: true });
  await mkdir(options.modelsDir, { recursive: true });
  const events = new EventBus();
  const library = new LibraryService(options.modelsDir, options.logger);
  const engine = new EngineService({ launchEngine: options.launchEngine, events, logger: options.logger, ...options.engine });
  const hardware = new HardwareService({ llamaView: () => engine.hardwareView(), logger: options.logger });
  const fit = new FitService({
    library,
    hardware,
    logger: options.logger,
    memoryLimitBytes: options.memoryLimitBytes,
    // A new load replaces the loaded model, so its memory counts as free for the others.
    reclaimable: () => reclaimableMemory(engine.loadedModel),
  });
  const loadMemory = new LoadMemoryLog(join(options.dataDir, 'diagnostics', 'load-memory.jsonl'), options.logger);
  const inference = new InferenceService({ engine, library, fit, loadMemory, logger: options.logger, defaultThreads: options.threads });
  const hubClient = new HubClient({ endpoint: options.hub.endpoint, ...(options.hub.token ? { token: options.hub.token } : {}) });
  const hub = new HubService({
    client: hubClient,
    remoteFit: new RemoteFitService({ hub: hubClient, token: options.hub.token }),
    fitHardware: () => fit.fitHardware(),
  });
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
  const info: AppInfo = {
    version: options.version,
    host: options.host,
    dataDir: options.dataDir,
    modelsDir: options.modelsDir,
    threads: options.threads,
  };

  const handlers: Handlers = {
    'app.getInfo': async () => info,
    'library.listModels': () => library.listModels(),
    'library.estimateFits': (args) => fit.estimateFits(args),
    'hardware.getSnapshot': (args) => hardware.getSnapshot(args),
    'inference.getState': async () => inference.getState(),
    'inference.loadModel': (args) => inference.loadModel(args),
    'inference.unloadModel': () => inference.unloadModel(),
    'inference.chat': (args, context) => inference.chat(args, context),
    'inference.stop': (args) => inference.stop(args),
    'hub.search': (args, context) => hub.search(args, context.signal),
    'hub.getRepo': (args, context) => hub.getRepo(args.reference, context.signal),
    'hub.estimateFits': (args, context) => hub.estimateFits(args, context.signal),
    'downloads.list': async () => downloads.list(),
    'downloads.start': (args) => downloads.start(args),
    'downloads.pause': (args) => downloads.pause(args.id),
    'downloads.resume': async (args) => downloads.resume(args.id),
    'downloads.cancel': (args) => downloads.cancel(args.id),
    'downloads.dismiss': async (args) => ({ dismissed: downloads.dismiss(args.id) }),
  };

  return {
    dispatch: createDispatcher(handlers),
    events,
    info,
    engine,
    inference,
    library,
    hardware,
    fit,
    hub,
    downloads,
    loadMemory,
    logger: options.logger,
    dispose: async (reason) => {
      // Transfers stop first and stay journalled, so the next start continues them.
      await downloadManager.close();
      await engine.dispose(reason);
    },
  };
}

/** Memory the loaded model holds and would give back when another is loaded, in bytes. */
function reclaimableMemory(loaded: LoadedModel | null): { ramBytes: number; vramBytes: number } {
  if (!loaded) return { ramBytes: 0, vramBytes: 0 };
  return loaded.memory?.measured ?? { ramBytes: loaded.modelBytes, vramBytes: 0 };
}
