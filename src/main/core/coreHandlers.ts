/**
 * The dispatcher's handler table: each contract method (`group.verbNoun`) mapped onto the core
 * service that answers it. Thin on purpose: behaviour lives in the services, not here.
 */
import type { Handlers } from '../../shared/contract';
import type { AppInfo, ChatArgs } from '../../shared/dto';
import type { GenerationOutcome } from '../../shared/generation';
import type { BenchService } from './bench/benchService';
import type { TradeoffService } from './bench/tradeoffService';
import type { ChatService } from './chats/chatService';
import type { DownloadsService } from './downloads/downloadsService';
import type { GenerationCaller } from './engine/replyCall';
import type { FitService } from './hardware/fitService';
import type { HardwareService } from './hardware/hardwareService';
import type { HubService } from './hub/hubService';
import type { LicenceService } from './hub/licence';
import type { StarterService } from './hub/starters';
import type { InferenceService } from './inference/inferenceService';
import type { LabService } from './lab/labService';
import type { LibraryService } from './library/libraryService';
import type { McpService } from './mcp/mcpService';
import type { PresetService } from './presets/presetService';
import type { ProviderService } from './providers/providerService';
import type { ApiServerController } from './server/apiServerController';

/** The services the handlers call, as `createCore` built them. */
export interface HandlerServices {
  info: AppInfo;
  library: LibraryService;
  fit: FitService;
  hardware: HardwareService;
  inference: InferenceService;
  /** A chat generation with resident models only (`inference.chat`). */
  generateResident: (args: ChatArgs, caller: GenerationCaller) => Promise<GenerationOutcome>;
  providers: ProviderService;
  chats: ChatService;
  presets: PresetService;
  hub: HubService;
  starters: StarterService;
  licences: LicenceService;
  downloads: DownloadsService;
  server: ApiServerController;
  bench: BenchService;
  tradeoff: TradeoffService;
  lab: LabService;
  mcp: McpService;
}

export function coreHandlers(services: HandlerServices): Handlers {
  const { info, library, fit, hardware, inference, generateResident, providers, chats, presets, hub, starters, licences, downloads, server, bench, tradeoff, lab, mcp } = services;
  return {
    'app.getInfo': async () => info,
    'library.listModels': () => library.listModels(),
    'library.listFolders': () => library.listFolders(),
    'library.addFolder': (args) => library.addFolder(args.path),
    'library.removeFolder': (args) => library.removeFolder(args.path),
    'library.importModel': (args) => library.importModel(args),
    'library.deleteModel': (args) => library.deleteModel(args.modelId),
    'library.estimateFits': (args) => fit.estimateFits(args),
    'hardware.getSnapshot': (args) => hardware.getSnapshot(args),
    'inference.getState': async () => inference.getState(),
    'inference.loadModel': (args) => inference.loadModel(args),
    'inference.unloadModel': (args) => inference.unloadModel(args),
    'inference.chat': (args, context) => generateResident(args, context),
    // A remote generation (`<provider>/<model>`) is the providers'; any other the fleet's.
    'inference.stop': async (args) => (providers.stop(args.requestId) ? { stopped: true } : inference.stop(args)),
    'inference.embed': (args, context) => inference.embed(args, context.signal),
    'chats.list': async () => chats.list(),
    'chats.get': async (args) => chats.get(args.chatId),
    'chats.create': (args) => chats.create(args),
    'chats.rename': (args) => chats.rename(args.chatId, args.title),
    'chats.delete': (args) => chats.delete(args.chatId),
    'chats.restore': (args) => chats.restore(args.chatId),
    'chats.search': async (args) => chats.search(args),
    'chats.export': async (args) => chats.export(args.chatId, args.format),
    'chats.import': (args) => chats.import(args.text),
    'chats.send': (args, context) => chats.send(args, context),
    'chats.attachReply': (args, context) => chats.attachReply(args.chatId, context),
    'chats.stop': (args) => chats.stop(args.chatId),
    'chats.regenerate': (args, context) => chats.regenerate(args, context),
    'chats.editMessage': (args, context) => chats.editMessage(args, context),
    'chats.switchVersion': (args) => chats.switchVersion(args.chatId, args.messageId),
    'chats.deleteMessage': (args) => chats.deleteMessage(args.chatId, args.messageId),
    'chats.setOverrides': (args) => chats.setOverrides(args),
    'chats.setModel': (args) => chats.setModel(args),
    'chats.setTools': (args) => chats.setTools(args),
    'chats.decideToolCall': (args) => chats.decideToolCall(args),
    'chats.listToolApprovals': () => chats.listToolApprovals(),
    'chats.revokeToolApproval': (args) => chats.revokeToolApproval(args),
    'presets.list': () => presets.list(),
    'presets.save': (args) => presets.save(args),
    'presets.delete': (args) => presets.delete(args.name),
    'hub.search': (args, context) => hub.search(args, context.signal),
    'hub.getRepo': (args, context) => hub.getRepo(args.reference, context.signal),
    'hub.estimateFits': (args, context) => hub.estimateFits(args, context.signal),
    'hub.listStarters': (_args, context) => starters.list(context.signal),
    'hub.checkLicence': (args) => licences.check(args),
    'hub.acceptLicence': (args) => licences.accept(args.family),
    'downloads.list': async () => downloads.list(),
    'downloads.start': (args) => downloads.start(args),
    'downloads.pause': (args) => downloads.pause(args.id),
    'downloads.resume': async (args) => downloads.resume(args.id),
    'downloads.cancel': (args) => downloads.cancel(args.id),
    'downloads.dismiss': async (args) => ({ dismissed: downloads.dismiss(args.id) }),
    'server.getStatus': async () => server.restored.then(() => server.getStatus()),
    'server.start': (args) => server.start(args, { remember: true }),
    'server.stop': () => server.stop(),
    'server.getLog': async (args) => server.getLog(args),
    'bench.run': (args, context) => bench.run(args, (progress) => context.emit(progress), context.signal),
    'bench.getResults': () => bench.overview(),
    'recommendation.getPreference': async () => ({ preference: await tradeoff.getPreference() }),
    'recommendation.setPreference': async (args) => ({ preference: await tradeoff.setPreference(args.preference) }),
    'lab.listGroups': () => lab.listGroups(),
    'lab.run': (args, context) => lab.run(args, context),
    'lab.cancel': async () => lab.cancel(),
    'lab.listResults': () => lab.listResults(),
    'lab.export': (args) => lab.export(args.runId, args.format),
    'mcp.listServers': () => mcp.listServers(),
    'mcp.saveServer': (args) => mcp.saveServer(args),
    'mcp.removeServer': (args) => mcp.removeServer(args.name),
    'mcp.setEnabled': (args) => mcp.setEnabled(args.name, args.enabled),
    'mcp.importConfig': (args) => mcp.importConfig(args.text),
    'mcp.listTools': (args) => mcp.listTools(args.name),
    'providers.list': () => providers.list(),
    'providers.add': (args) => providers.add(args),
    'providers.remove': (args) => providers.remove(args.name),
    'providers.test': (args) => providers.test(args.name),
    'providers.refresh': (args) => providers.refresh(args.name),
  };
}
