import type { z } from 'zod';
import type { AppInfo, ChatChunk, ChatResult, HardwareSnapshot, InferenceState, LoadedModel, ModelFit, ModelInfo } from './dto';
import type { DownloadStatus, HubRepoDetail, HubSearchPage, RemoteRepoFit } from './hubDto';
import { downloadIdArgsSchema, downloadStartArgsSchema, hubFitArgsSchema, hubRepoArgsSchema, hubSearchArgsSchema } from './hubSchemas';
import { chatArgsSchema, fitArgsSchema, hardwareArgsSchema, loadOptionsSchema, noArgsSchema, stopArgsSchema } from './schemas';

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

  'library.listModels': method<ModelInfo[]>()(noArgsSchema),
  /** Fit label, memory split and Recommended tag of every readable local model, for the given settings. */
  'library.estimateFits': method<ModelFit[]>()(fitArgsSchema),

  /** This machine as the OS and llama.cpp see it; cached, `refresh` reads it again. */
  'hardware.getSnapshot': method<HardwareSnapshot>()(hardwareArgsSchema),

  'inference.getState': method<InferenceState>()(noArgsSchema),
  'inference.loadModel': method<LoadedModel>()(loadOptionsSchema),
  'inference.unloadModel': method<{ unloaded: boolean }>()(noArgsSchema),
  /** Generates a reply; streams {@link ChatChunk}s to the caller. Cancel by aborting the call or `inference.stop`. */
  'inference.chat': streaming<ChatResult, ChatChunk>()(chatArgsSchema),
  'inference.stop': method<{ stopped: boolean }>()(stopArgsSchema),

  /** GGUF repos on the Hugging Face Hub (or `HF_ENDPOINT`), a page at a time. */
  'hub.search': method<HubSearchPage>()(hubSearchArgsSchema),
  /** A repo's GGUF models grouped by quantization, from a pasted reference or a search result id. */
  'hub.getRepo': method<HubRepoDetail>()(hubRepoArgsSchema),
  /** Fit label, memory and Recommended of each model of a repo, from the remote headers only. */
  'hub.estimateFits': method<RemoteRepoFit>()(hubFitArgsSchema),

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
