import { mkdir } from 'node:fs/promises';
import { createDispatcher, type Dispatch } from '../../shared/dispatcher';
import type { Handlers } from '../../shared/contract';
import type { AppInfo } from '../../shared/dto';
import { EventBus } from './events/eventBus';
import type { EngineLauncher } from './engine/engineProcess';
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
  logger: Logger;
  launchEngine: EngineLauncher;
  host: AppInfo['host'];
  version: string;
}

/** The app without any host: services, one dispatcher, one event bus. */
export interface Core {
  dispatch: Dispatch;
  events: EventBus;
  info: AppInfo;
  inference: InferenceService;
  library: LibraryService;
  dispose(): Promise<void>;
}

/** Composition root: wires every service. No module-level singletons anywhere. */
export async function createCore(options: CoreOptions): Promise<Core> {
  await mkdir(options.dataDir, { recursive: true });
  await mkdir(options.modelsDir, { recursive: true });
  const events = new EventBus();
  const library = new LibraryService(options.modelsDir, options.logger);
  const inference = new InferenceService({
    launchEngine: options.launchEngine,
    library,
    events,
    logger: options.logger,
    defaultThreads: options.threads,
  });
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
    'inference.getState': async () => inference.getState(),
    'inference.loadModel': (args) => inference.loadModel(args),
    'inference.unloadModel': () => inference.unloadModel(),
    'inference.chat': (args) => inference.chat(args),
    'inference.stop': (args) => inference.stop(args),
  };

  return {
    dispatch: createDispatcher(handlers),
    events,
    info,
    inference,
    library,
    dispose: () => inference.dispose(),
  };
}
