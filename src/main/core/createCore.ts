import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createDispatcher, type Dispatch } from '../../shared/dispatcher';
import type { AppInfo, ChatArgs } from '../../shared/dto';
import { ChatService } from './chats/chatService';
import { coreHandlers } from './coreHandlers';
import { EventBus } from './events/eventBus';
import type { EngineLauncher } from './engine/engineProcess';
import type { EngineServiceOptions } from './engine/engineService';
import type { GenerationCaller } from './engine/replyCall';
import { Fleet } from './fleet/fleet';
import { physicalCores } from './engine/threads';
import { FitService } from './hardware/fitService';
import type { DownloadManager } from './downloads/downloadManager';
import type { DownloadsService } from './downloads/downloadsService';
import type { HubService } from './hub/hubService';
import { createHubServices } from './hubServices';
import { HardwareService } from './hardware/hardwareService';
import { LoadMemoryLog } from './hardware/loadMemoryLog';
import { InferenceService } from './inference/inferenceService';
import { GenerationPipeline } from './generation/generationPipeline';
import { ModelOnDemand } from './generation/modelOnDemand';
import { LibraryService } from './library/libraryService';
import { LibraryFolders } from './library/libraryFolders';
import type { FolderDetection } from './library/libraryRoots';
import { RememberedLoads } from './settings/rememberedLoads';
import { SettingsStore } from './settings/settingsStore';
import { PresetService } from './presets/presetService';
import { ApiServerController, type ApiServerLaunch, type RunningApiServer } from './server/apiServerController';
import { apiServerSettingsStore } from './server/apiKeySecret';
import { RequestLog } from './server/requestLog';
import { LabService } from './lab/labService';
import { BenchService } from './bench/benchService';
import { BenchStore } from './bench/benchStore';
import { machineKey } from './bench/machineKey';
import { TradeoffService } from './bench/tradeoffService';
import type { Logger } from './logging/logger';
import { McpService } from './mcp/mcpService';
import { ProviderService } from './providers/providerService';
import { FileSecretStore, type SecretStore } from './providers/secretStore';

export interface CoreOptions {
  /** Settings, chats and journals. Never a cache folder. */
  dataDir: string;
  /** GGUF models, LM Studio layout `publisher/repo/file.gguf`. */
  modelsDir: string;
  /** Default generation threads. */
  threads: number;
  /** Physical cores: shared among the models generating at once; default this machine's. */
  cores?: number;
  /** Most models resident at once; default as many as memory allows. */
  maxModels?: number | undefined;
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
  /** Queue and watchdog limits of each engine (defaults suit the app; tests shorten them). */
  engine?: Pick<EngineServiceOptions, 'maxQueue' | 'queueTimeoutMs' | 'watchdog'>;
  /** How long an on-demand request waits for busy models to make room, in ms (tests shorten it). */
  admissionWaitMs?: number;
  /** Home folder and environment where LM Studio's folder and the Hugging Face cache are looked for; default this user's. */
  folderDetection?: FolderDetection;
  /** Starts the local API server for `server.start` (hosts supply it; core never imports a host). */
  apiServer?: (core: Core, launch: ApiServerLaunch) => Promise<RunningApiServer>;
  /** Where provider keys and the Hearth API key are kept: the desktop app's safeStorage; default a 0600 file in the data dir. */
  secrets?: SecretStore;
  /** Read every provider's models at start (the app and `serve`; not one-shot CLI commands). */
  refreshProviders?: boolean;
}

/** The app without any host: services, one dispatcher, one event bus. */
export interface Core {
  dispatch: Dispatch;
  events: EventBus;
  info: AppInfo;
  /** The one owner of residency: which models are loaded, each in its own engine process. */
  fleet: Fleet;
  inference: InferenceService;
  /** The one way a request becomes a generation (API routes, `hearth run`, chat replies, `inference.chat`). */
  generation: GenerationPipeline;
  library: LibraryService;
  /** `<dataDir>/settings.json`, one section per domain (see `settings/settingsSections.ts`). */
  settings: SettingsStore;
  hardware: HardwareService;
  fit: FitService;
  /** Conversations: stored in `<dataDir>/chats`, owned here so every window sees the same ones. */
  chats: ChatService;
  hub: HubService;
  downloads: DownloadsService;
  /** Predicted vs measured memory of every load. */
  loadMemory: LoadMemoryLog;
  /** The local OpenAI-compatible API server: start, stop, status, request log. */
  server: ApiServerController;
  /** The machine benchmark (own engine process), its results per machine, tuned threads and machine profile. */
  bench: BenchService;
  /** Profile, preference and quality source the Recommended pick weighs. */
  tradeoff: TradeoffService;
  /** The quantization lab: runs in its own engine process, results per machine under `<dataDir>/lab`. */
  lab: LabService;
  /** MCP servers of `<dataDir>/mcp.json`: started on first use, stopped on dispose; `callTool` for the chat. */
  mcp: McpService;
  /** Remote OpenAI-compatible servers and their models (`<provider>/<model>`), run through `generation`. */
  providers: ProviderService;
  logger: Logger;
  /** Ends queued and running replies with `reason`, then stops the engine. */
  dispose(reason?: string): Promise<void>;
}

/** Composition root: wires every service. No module-level singletons anywhere. */
export async function createCore(options: CoreOptions): Promise<Core> {
  await mkdir(options.dataDir, { recursive: true });
  await mkdir(options.modelsDir, { recursive: true });
  const events = new EventBus();
  const settings = new SettingsStore({ dataDir: options.dataDir, logger: options.logger });
  const presets = new PresetService(settings);
  const library = new LibraryService(options.modelsDir, options.logger, {
    folders: new LibraryFolders(options.modelsDir, settings, options.folderDetection ?? { homeDir: homedir(), env: process.env }),
    onChanged: (reason) => events.emit('library.changed', { reason }),
    // Deleting a loaded model's file would pull it from under llama.cpp's memory map.
    isLoaded: (modelId) => fleet.resident(modelId) !== undefined,
  });
  const fleet: Fleet = new Fleet({
    launchEngine: options.launchEngine,
    events,
    logger: options.logger,
    cores: options.cores ?? physicalCores(),
    maxModels: options.maxModels,
    ...(options.admissionWaitMs !== undefined ? { admissionWaitMs: options.admissionWaitMs } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
    // Admission counts every resident model as used (it evicts explicitly).
    memory: () => fit.fitHardware({ reclaim: 'none' }),
  });
  const hardware = new HardwareService({ llamaView: () => fleet.hardwareView(), logger: options.logger });
  const fit = new FitService({
    library,
    hardware,
    logger: options.logger,
    memoryLimitBytes: options.memoryLimitBytes,
    // Resident models hold memory; idle ones may be replaced by a load the user asks for.
    residents: () => fleet.memoryAccount(),
    recommendContext: () => tradeoff.context(),
  });
  const machine = machineKey();
  // A benchmark runs in an engine process of its own, so the chat engine's model stays loaded.
  const bench: BenchService = new BenchService({
    store: new BenchStore({ dataDir: options.dataDir, logger: options.logger, machine }),
    machineKey: machine.key,
    library,
    header: (model) => fit.headerOf(model),
    launchEngine: options.launchEngine,
    engineBusy: () => fleet.getState().activeRequests.length + fleet.getState().queuedRequests > 0,
    llamaGpus: async () => {
      const { llama } = await hardware.getSnapshot();
      return llama && llama.backend !== 'cpu' ? llama.gpuNames : null;
    },
    logger: options.logger,
  });
  const tradeoff: TradeoffService = new TradeoffService({ bench, settings });
  const loadMemory = new LoadMemoryLog(join(options.dataDir, 'diagnostics', 'load-memory.jsonl'), options.logger);
  const inference = new InferenceService({
    fleet,
    library,
    fit,
    loadMemory,
    logger: options.logger,
    defaultThreads: options.threads,
    tunedThreads: (modelId) => bench.tunedThreads(modelId),
    rememberedLoads: new RememberedLoads(settings),
  });
  // One secret store: provider keys and the Hearth API key (never in settings.json).
  const secrets = options.secrets ?? new FileSecretStore(options.dataDir);
  const providers = await ProviderService.open({
    dataDir: options.dataDir,
    secrets,
    logger: options.logger,
    // Model pickers list remote models beside the library's: they refetch on this.
    onChanged: () => events.emit('library.changed', { reason: 'providers' }),
    // The app and `serve` see a provider `hearth provider add` wrote meanwhile.
    watch: options.refreshProviders ?? false,
  });
  if (options.refreshProviders) void providers.refresh().catch((error: unknown) => options.logger.warn('reading the providers failed', { error: String(error) }));
  const generation = new GenerationPipeline(inference, providers);
  // Chats and `inference.chat` answer with resident models only: loading one is the user's choice.
  const residentModels = new ModelOnDemand({ library, inference, logger: options.logger, idleUnloadMs: 0, onDemand: false });
  const generateResident = (args: ChatArgs, caller: GenerationCaller) =>
    generation.run(
      {
        requestId: args.requestId,
        ...(args.modelId ? { model: args.modelId } : {}),
        messages: args.messages,
        sampling: args.params ?? {},
        ...(args.responseFormat ? { responseFormat: args.responseFormat } : {}),
        // Tool calls (chat replies with MCP tools, `inference.chat` callers).
        ...(args.tools ? { tools: args.tools } : {}),
        ...(args.toolChoice ? { toolChoice: args.toolChoice } : {}),
        ...(args.parallelToolCalls !== undefined ? { parallelToolCalls: args.parallelToolCalls } : {}),
      },
      residentModels,
      { signal: caller.signal, emit: (event) => event.type !== 'model' && caller.emit(event) },
    );
  // MCP servers start on first use (listing or calling tools) and stop with the app.
  const mcp = new McpService({ dataDir: options.dataDir, logger: options.logger, version: options.version, onChanged: (overview) => events.emit('mcp.serversChanged', overview) });
  const chats = await ChatService.open({
    dataDir: options.dataDir,
    generate: generateResident,
    // Each chat keeps its own model; one without takes the primary (see chats/chatModels.ts).
    // A provider's model (`<provider>/<model>`) needs no residency: its server holds it.
    residentModel: (modelId) => fleet.resident(modelId) ?? providers.chatModel(modelId),
    primaryModelId: () => fleet.primary?.modelId ?? null,
    events,
    logger: options.logger,
    mcp,
  });
  const { hub, licences, starters, downloadManager, downloads } = createHubServices(options, { events, settings, fit, tradeoff, inference });
  const info: AppInfo = {
    version: options.version,
    host: options.host,
    dataDir: options.dataDir,
    modelsDir: options.modelsDir,
    threads: options.threads,
  };

  // The server's launcher needs the finished core (`self`, below); it is only called after createCore returned.
  const apiServer = options.apiServer;
  const server = new ApiServerController({
    launch: apiServer ? (launch) => apiServer(self, launch) : undefined,
    log: new RequestLog({
      file: join(options.dataDir, 'logs', 'api.jsonl'),
      logger: options.logger,
      onEntry: (entry) => events.emit('server.requestLogged', entry),
    }),
    events,
    logger: options.logger,
    saved: apiServerSettingsStore(settings, secrets, options.logger),
  });

  // A lab gets an engine process of its own, so the chat engine's model stays loaded.
  const lab = new LabService({ dataDir: options.dataDir, library, launchEngine: options.launchEngine, threads: options.threads, logger: options.logger });
  const handlers = coreHandlers({ info, library, fit, hardware, inference, generateResident, providers, chats, presets, hub, starters, licences, downloads, server, bench, tradeoff, lab, mcp });

  const self: Core = {
    dispatch: createDispatcher(handlers),
    events,
    info,
    fleet,
    inference,
    generation,
    library,
    settings,
    hardware,
    fit,
    chats,
    hub,
    downloads,
    loadMemory,
    server,
    lab,
    bench,
    tradeoff,
    mcp,
    providers,
    logger: options.logger,
    dispose: async (reason) => {
      // A running lab ends its own engine process.
      lab.dispose();
      // Transfers stop first and stay journalled, so the next start continues them.
      await downloadManager.close();
      // Running replies stop (their text kept) and every queued chat write lands before the engine goes.
      await chats.dispose();
      // MCP server processes end with the app (stdin closed, then SIGTERM, then SIGKILL); after the
      // replies, so a reply's running tool call is cancelled by its stop, not failed by a dead server.
      await mcp.close();
      providers.close();
      await fleet.dispose(reason);
      // Its replies ended above with `reason`; now the sockets close and the log is written.
      await server.dispose();
    },
  };
  return self;
}
