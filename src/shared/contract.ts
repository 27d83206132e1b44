import type { z } from 'zod';
import type { AppInfo, ChatChunk, ChatResult, EmbedResult, InferenceState, LoadedModel, ModelInfo } from './dto';
import type { HardwareSnapshot, ModelFit } from './hardwareDto';
import type { DownloadStatus, HubRepoDetail, HubSearchPage, RemoteRepoFit } from './hubDto';
import type { ApiLogPage, ApiServerStatus } from './serverDto';
import { serverLogArgsSchema, serverStartArgsSchema } from './serverSchemas';
import type { DeleteModelResult, LibraryFolder } from './dto';
import { deleteModelArgsSchema, importModelArgsSchema, libraryFolderArgsSchema } from './librarySchemas';
import { downloadIdArgsSchema, downloadStartArgsSchema, hubFitArgsSchema, hubRepoArgsSchema, hubSearchArgsSchema } from './hubSchemas';
import { chatArgsSchema, embedArgsSchema, fitArgsSchema, hardwareArgsSchema, loadOptionsSchema, noArgsSchema, stopArgsSchema, unloadArgsSchema } from './schemas';
import { providerAddArgsSchema, providerNameArgsSchema, providerRefreshArgsSchema } from './schemas';
import type { ProviderInfo } from './dto';
import type { ChatDetail, ChatExport, ChatList, ChatReplyChunk, ChatReplyResult, ChatSearchHit, ChatSummary, ToolApprovals } from './chatDto';
import { presetDeleteArgsSchema, presetSaveArgsSchema, type Preset } from './presets';
import type { BenchOverview, BenchProgress, BenchResult, RecommendPreference } from './benchDto';
import { benchRunArgsSchema, recommendationPreferenceArgsSchema } from './benchSchemas';
import { licenceAcceptArgsSchema, licenceCheckArgsSchema, type LicenceCheck, type StarterList } from './licenceDto';
import type { LabExport, LabGroup, LabProgress, LabRun } from './labDto';
import { labExportArgsSchema, labRunArgsSchema } from './labSchemas';
import type { McpImportResult, McpOverview, McpToolList } from './mcpDto';
import { mcpImportArgsSchema, mcpSaveServerArgsSchema, mcpServerArgsSchema, mcpSetEnabledArgsSchema } from './mcpSchemas';
import {
  chatCreateArgsSchema,
  chatDecideToolCallArgsSchema,
  chatRevokeToolApprovalArgsSchema,
  chatSetToolsArgsSchema,
  chatEditMessageArgsSchema,
  chatExportArgsSchema,
  chatIdArgsSchema,
  chatImportArgsSchema,
  chatMessageArgsSchema,
  chatOverridesArgsSchema,
  chatRegenerateArgsSchema,
  chatRenameArgsSchema,
  chatSearchArgsSchema,
  chatSendArgsSchema,
  chatSetModelArgsSchema,
} from './chatSchemas';

/**
 * The whole API of Hearth, one line per method: `group.verbNoun: method<Result>()(argsSchema)`,
 * or `streaming<Result, Chunk>()` for a method that also sends chunks to its own caller while it
 * runs (a reply's text). Every host (Electron IPC, WebSocket, in-process) goes through one
 * dispatcher that validates the arguments against these schemas. Adding a method = one line here
 * + its handler in core.
 */

/** Phantom-typed method definition: the schema validates args, `R` types the result, `C` the chunks. */
export interface MethodDef<S extends z.ZodType, R, C> {
  args: S;
  /** True when the method streams chunks of type `C` to its caller before the result. */
  streams: boolean;
  /** Never read at run time; carries the result type. */
  readonly result?: R;
  /** Never read at run time; carries the chunk type. */
  readonly chunk?: C;
}

function method<R>() {
  return <S extends z.ZodType>(args: S): MethodDef<S, R, never> => ({ args, streams: false });
}

function streaming<R, C>() {
  return <S extends z.ZodType>(args: S): MethodDef<S, R, C> => ({ args, streams: true });
}

export const contract = {
  'app.getInfo': method<AppInfo>()(noArgsSchema),

  /** Every model of every library folder (the models folder and the added ones), unreadable files with the reason. */
  'library.listModels': method<ModelInfo[]>()(noArgsSchema),
  /** The models folder, the added folders, and LM Studio's folder / the Hugging Face cache as suggestions (`added: false`). */
  'library.listFolders': method<LibraryFolder[]>()(noArgsSchema),
  /** Lists a folder's models in place, never copying them; refuses the models folder, duplicates and nested folders. */
  'library.addFolder': method<LibraryFolder>()(libraryFolderArgsSchema),
  /** Stops listing an added folder; never deletes a file. */
  'library.removeFolder': method<LibraryFolder>()(libraryFolderArgsSchema),
  /** Copies, moves or links a checked GGUF file (all parts of a split model) into the models folder; never overwrites. */
  'library.importModel': method<ModelInfo>()(importModelArgsSchema),
  /** Deletes a model's files (all parts); refuses the loaded model (BUSY) and the Hugging Face cache (BAD_REQUEST). */
  'library.deleteModel': method<DeleteModelResult>()(deleteModelArgsSchema),
  /** Fit label, memory split and Recommended tag of every readable local model, for the given settings. */
  'library.estimateFits': method<ModelFit[]>()(fitArgsSchema),

  /** This machine as the OS and llama.cpp see it; cached, `refresh` reads it again. */
  'hardware.getSnapshot': method<HardwareSnapshot>()(hardwareArgsSchema),

  'inference.getState': method<InferenceState>()(noArgsSchema),
  'inference.loadModel': method<LoadedModel>()(loadOptionsSchema),
  /** Unloads one resident model (`modelId`), or all; running replies on it stop (reason `abort`). */
  'inference.unloadModel': method<{ unloaded: boolean }>()(unloadArgsSchema),
  /** Generates a reply; streams {@link ChatChunk}s to the caller. Cancel by aborting the call or `inference.stop`. */
  'inference.chat': streaming<ChatResult, ChatChunk>()(chatArgsSchema),
  /**
   * Stops the generation with this `requestId`, local or remote (`<provider>/<model>`: the connection
   * to the remote is closed, as a client disconnect does); `stopped: false` when none runs.
   */
  'inference.stop': method<{ stopped: boolean }>()(stopArgsSchema),
  /** Unit-length embedding vectors (one per text) from the loaded model; waits in the reply queue. */
  'inference.embed': method<EmbedResult>()(embedArgsSchema),

  /** GGUF repos on the Hugging Face Hub (or `HF_ENDPOINT`), a page at a time. */
  'hub.search': method<HubSearchPage>()(hubSearchArgsSchema),
  /** A repo's GGUF models grouped by quantization, from a pasted reference or a search result id. */
  'hub.getRepo': method<HubRepoDetail>()(hubRepoArgsSchema),
  /** Fit label, memory and Recommended of each model of a repo, from the remote headers only. */
  'hub.estimateFits': method<RemoteRepoFit>()(hubFitArgsSchema),
  /** The first-run screen's three starter models for this machine (data file + Hub listing), with size, fit and licence; one is `recommended`. */
  'hub.listStarters': method<StarterList>()(noArgsSchema),
  /** The licence family of a model from its licence id, card licence name or `general.license`, with its notable terms and whether the user confirmed it. */
  'hub.checkLicence': method<LicenceCheck>()(licenceCheckArgsSchema),
  /** Remembers "I understand" for a restrictive licence family (settings), so its next downloads do not ask again. */
  'hub.acceptLicence': method<{ accepted: string[] }>()(licenceAcceptArgsSchema),

  /** Every download this session knows (running, queued, paused, finished, failed). */
  'downloads.list': method<DownloadStatus[]>()(noArgsSchema),
  /** Queues every part of one model of a repo; refuses up front when the disk is too full. */
  'downloads.start': method<DownloadStatus>()(downloadStartArgsSchema),
  'downloads.pause': method<DownloadStatus>()(downloadIdArgsSchema),
  'downloads.resume': method<DownloadStatus>()(downloadIdArgsSchema),
  /** Stops and deletes what the download wrote (never a finished single-file model). */
  'downloads.cancel': method<DownloadStatus>()(downloadIdArgsSchema),
  /** Removes a finished, failed or cancelled download from the list. */
  'downloads.dismiss': method<{ dismissed: boolean }>()(downloadIdArgsSchema),

  /** Every chat, most recently updated first, and the chat files that could not be read. */
  'chats.list': method<ChatList>()(noArgsSchema),
  /** One conversation with every branch, the active path and the reply being written. */
  'chats.get': method<ChatDetail>()(chatIdArgsSchema),
  'chats.create': method<ChatDetail>()(chatCreateArgsSchema),
  /** A rename always wins over the automatic title. */
  'chats.rename': method<ChatSummary>()(chatRenameArgsSchema),
  /** Stops its reply and moves the chat to the trash (kept 7 days); `chats.restore` undoes it. */
  'chats.delete': method<{ deleted: boolean }>()(chatIdArgsSchema),
  'chats.restore': method<ChatSummary>()(chatIdArgsSchema),
  /** Case-insensitive search of titles and message text; one hit per chat, with a snippet. */
  'chats.search': method<ChatSearchHit[]>()(chatSearchArgsSchema),
  /** Markdown (the active path) or JSON (everything, for `chats.import`), as text. */
  'chats.export': method<ChatExport>()(chatExportArgsSchema),
  /** Adds a chat from a JSON export; never overwrites: a taken id gets a new one. */
  'chats.import': method<ChatSummary>()(chatImportArgsSchema),
  /**
   * Appends a user message and replies; streams {@link ChatReplyChunk}s to the caller. BUSY while
   * this chat has a reply running. Stop it with `chats.stop`: the reply belongs to core, so aborting
   * the call (or closing the page) only ends this caller's stream, and the reply runs on.
   */
  'chats.send': streaming<ChatReplyResult, ChatReplyChunk>()(chatSendArgsSchema),
  /**
   * Streams the reply running in a chat to this caller too (a reloaded page, another tab): its
   * `started` chunk and the text so far at once, then the rest as it comes. Resolves with the reply
   * as stored when it ends, or `{reply: null}` at once when no reply is running (read the chat again).
   */
  'chats.attachReply': streaming<{ reply: ChatReplyResult | null }, ChatReplyChunk>()(chatIdArgsSchema),
  'chats.stop': method<{ stopped: boolean }>()(chatIdArgsSchema),
  /** A new version of a reply (earlier versions stay, see `chats.switchVersion`); streams like `chats.send`. */
  'chats.regenerate': streaming<ChatReplyResult, ChatReplyChunk>()(chatRegenerateArgsSchema),
  /** Edits a user message as a new branch (the old one stays reachable) and replies; streams like `chats.send`. */
  'chats.editMessage': streaming<ChatReplyResult, ChatReplyChunk>()(chatEditMessageArgsSchema),
  /** Shows this message (and its branch) instead of its siblings. */
  'chats.switchVersion': method<ChatDetail>()(chatMessageArgsSchema),
  /** Removes a message and everything under it. BUSY while a reply is running in the chat. */
  'chats.deleteMessage': method<ChatDetail>()(chatMessageArgsSchema),
  /** Per-chat system prompt and sampling parameters (null clears). */
  'chats.setOverrides': method<ChatDetail>()(chatOverridesArgsSchema),
  /**
   * The model this chat talks to (a library id), kept with the chat: its replies use it while it is
   * resident and are refused with MODEL_NOT_LOADED while it is not (never loaded silently). A chat
   * without one takes the primary model at its first reply and keeps it.
   */
  'chats.setModel': method<ChatDetail>()(chatSetModelArgsSchema),
  /**
   * The MCP servers (each whole, or only some of its tools) this chat's replies may call; `[]` turns
   * tools off. A reply offers their tools to the model; each call waits for `chats.decideToolCall`
   * unless its tool or server is always allowed. At most 8 rounds of calls per reply. `toolUse`
   * (kept with the chat; absent = unchanged): `required` makes each reply's first round call a tool.
   */
  'chats.setTools': method<ChatDetail>()(chatSetToolsArgsSchema),
  /**
   * Answers a tool call waiting in a running reply (`chats.toolCallPending`, `ChatDetail.pendingToolCalls`):
   * run it once, run it and always allow the tool or the server, or deny it (the model reads a
   * refusal). NOT_FOUND when that call no longer waits.
   */
  'chats.decideToolCall': method<{ decided: true }>()(chatDecideToolCallArgsSchema),
  /** The tools and servers always allowed (kept in `<dataDir>/mcp-approvals.json`, for every chat). */
  'chats.listToolApprovals': method<ToolApprovals>()(noArgsSchema),
  /** Forgets "always allow" for a server (no `tool`) or one tool; its calls ask again. */
  'chats.revokeToolApproval': method<ToolApprovals>()(chatRevokeToolApprovalArgsSchema),

  /** Built-in presets (Balanced, Precise, Creative, JSON extraction), then the user's saved ones. */
  'presets.list': method<Preset[]>()(noArgsSchema),
  /** Saves a preset (replaces a saved one of the same name; built-in names refused); returns the list. */
  'presets.save': method<Preset[]>()(presetSaveArgsSchema),
  /** Deletes a saved preset (built-ins refused); returns the list. */
  'presets.delete': method<Preset[]>()(presetDeleteArgsSchema),

  /** The local OpenAI-compatible API server: running or not, where, with or without a key (never the key itself). */
  'server.getStatus': method<ApiServerStatus>()(noArgsSchema),
  /** Starts the API server (restarts it with these settings when it runs); fails with the reason (port in use, …). */
  'server.start': method<ApiServerStatus>()(serverStartArgsSchema),
  /** Stops the API server; replies it is streaming are aborted. */
  'server.stop': method<ApiServerStatus>()(noArgsSchema),
  /** The API server's request log (time, method, path, model, status, tokens, duration ms), oldest first. */
  'server.getLog': method<ApiLogPage>()(serverLogArgsSchema),

  /** Library files grouped as quantizations of one model (same architecture, parameter and layer count), largest file first. */
  'lab.listGroups': method<LabGroup[]>()(noArgsSchema),
  /**
   * Measures two or more files of one model side by side in an engine process of its own (the
   * loaded model is untouched): size, load time, RAM, pp/tg tok/s, and quality against the base
   * (llama-perplexity's method); streams {@link LabProgress}. BUSY while another run goes; cancel
   * with `lab.cancel` or by aborting the call. The run is kept (per machine) when a file finished.
   */
  'lab.run': streaming<LabRun, LabProgress>()(labRunArgsSchema),
  'lab.cancel': method<{ cancelled: boolean }>()(noArgsSchema),
  /** This machine's lab runs, newest first. */
  'lab.listResults': method<LabRun[]>()(noArgsSchema),
  /** A run as CSV, JSON or Markdown text, with a file name to save it under. */
  'lab.export': method<LabExport>()(labExportArgsSchema),

  /**
   * Benchmarks a library model on this machine, llama-bench's pp512 and tg128 (tok/s), time to
   * first token, load time and memory, for each thread count (default 1 to the physical cores), in
   * an engine process of its own (the loaded model is untouched); streams {@link BenchProgress}.
   * Keeps the result: loads of that model then default to its fastest thread count, and the
   * machine profile (bandwidth) to what it implies. BUSY while replies run or another benchmark
   * does; cancel by aborting the call.
   */
  'bench.run': streaming<BenchResult, BenchProgress>()(benchRunArgsSchema),
  /** This machine's profile (CPU / GPU bandwidth, measured or default), its benchmarks newest first, and the tuned thread counts. */
  'bench.getResults': method<BenchOverview>()(noArgsSchema),
  /** What the Recommended file favours: `balanced` (default), `quality` or `speed`. */
  'recommendation.getPreference': method<{ preference: RecommendPreference }>()(noArgsSchema),
  /** Sets it (settings.json); the next fit estimates use it. */
  'recommendation.setPreference': method<{ preference: RecommendPreference }>()(recommendationPreferenceArgsSchema),

  /** Remote OpenAI-compatible servers (vLLM, llama-server, Ollama, another Hearth) and their models as last read; never a key. */
  'providers.list': method<ProviderInfo[]>()(noArgsSchema),
  /** Adds (or replaces) a provider, then reads what it is and its models; a provider that does not answer is added with `status: 'down'` and the reason. */
  'providers.add': method<ProviderInfo>()(providerAddArgsSchema),
  /** Removes a provider and its stored key; its models stop being listed. */
  'providers.remove': method<{ removed: boolean }>()(providerNameArgsSchema),
  /** Checks one provider now: what answers, its version and models (one sentence naming it when it fails). */
  'providers.test': method<ProviderInfo>()(providerNameArgsSchema),
  /** Reads the models of one provider, or of every provider, again. */
  'providers.refresh': method<ProviderInfo[]>()(providerRefreshArgsSchema),

  /**
   * MCP servers (tools over the Model Context Protocol) of `<dataDir>/mcp.json`, each with its
   * status (`off`, `connecting`, `ready` with its tool count, `error` with the reason). Env and
   * header values are never sent, only their names. An invalid file is reported in `configError`
   * and kept as it is.
   */
  'mcp.listServers': method<McpOverview>()(noArgsSchema),
  /** Adds or edits (or renames, with `previousName`) a server; a secret sent as `null` keeps its stored value. Written atomically; refused while the file is invalid. */
  'mcp.saveServer': method<McpOverview>()(mcpSaveServerArgsSchema),
  /** Removes a server (stopping it when it runs). */
  'mcp.removeServer': method<McpOverview>()(mcpServerArgsSchema),
  /** Turns a server on or off; off stops it and its tools are not offered. */
  'mcp.setEnabled': method<McpOverview>()(mcpSetEnabledArgsSchema),
  /** Merges another app's `mcp.json` text: new names added, identical entries left, a clash added as `<name>-2` (…). */
  'mcp.importConfig': method<McpImportResult>()(mcpImportArgsSchema),
  /** A server's tools (name, description, JSON schema of the arguments); starts the server when it is not running (up to 60 s, or its timeout when longer). */
  'mcp.listTools': method<McpToolList>()(mcpServerArgsSchema),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodArgs<M extends MethodName> = z.input<Contract[M]['args']>;
export type ParsedArgs<M extends MethodName> = z.output<Contract[M]['args']>;
export type MethodResult<M extends MethodName> = NonNullable<Contract[M]['result']>;
export type MethodChunk<M extends MethodName> = NonNullable<Contract[M]['chunk']>;

export const methodNames = Object.keys(contract) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** What a host hands a handler besides the arguments: where chunks go, and when the caller gave up. */
export interface CallContext<C = unknown> {
  /** Aborted when the caller cancels or goes away (socket closed, window destroyed). */
  signal: AbortSignal;
  /** Sends one chunk to the caller that made this call, and only to it. */
  emit(chunk: C): void;
}

/** Options of a client call: a listener for chunks (streaming methods) and a signal to cancel. */
export interface CallOptions<C = unknown> {
  onChunk?: (chunk: C) => void;
  signal?: AbortSignal;
}

type GroupOf<M> = M extends `${infer G}.${string}` ? G : never;
type MemberOf<M, G extends string> = M extends `${G}.${infer N}` ? N : never;

/** Arguments are optional only for methods that take none. */
type ClientMethod<M> = M extends MethodName
  ? Record<never, never> extends MethodArgs<M>
    ? (args?: MethodArgs<M>, options?: CallOptions<MethodChunk<M>>) => Promise<MethodResult<M>>
    : (args: MethodArgs<M>, options?: CallOptions<MethodChunk<M>>) => Promise<MethodResult<M>>
  : never;

/** The API as grouped objects: `api.inference.loadModel({ modelId })`. */
export type GroupedApi = {
  [G in GroupOf<MethodName>]: {
    [N in MemberOf<MethodName, G>]: ClientMethod<`${G}.${N}`>;
  };
};

/** What a service layer must implement: one handler per method, receiving validated args. */
export type Handlers = {
  [M in MethodName]: (args: ParsedArgs<M>, context: CallContext<MethodChunk<M>>) => Promise<MethodResult<M>>;
};
