import { z } from 'zod';
import type {
  AppInfo,
  ChatResult,
  InferenceState,
  LoadedModel,
  ModelInfo,
} from './dto';

/**
 * The whole API of Hearth, one line per method: `group.verbNoun: method(argsSchema, resultType)`.
 * Every host (Electron IPC, WebSocket, in-process) goes through one dispatcher that validates the
 * arguments against these schemas. Adding a method = one line here + its handler in core.
 */

/** Phantom-typed method definition: the schema validates args, `R` types the result. */
export interface MethodDef<S extends z.ZodType, R> {
  args: S;
  /** Never read at run time; carries the result type. */
  readonly result?: R;
}

function method<R>() {
  return <S extends z.ZodType>(args: S): MethodDef<S, R> => ({ args });
}

const noArgs = z.object({}).strict();
const id = z.string().min(1).max(512);

export const chatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().max(1_000_000),
});

export const samplingParamsSchema = z
  .object({
    temperature: z.number().min(0).max(5),
    topK: z.number().int().min(0).max(100_000),
    topP: z.number().min(0).max(1),
    minP: z.number().min(0).max(1),
    repeatPenalty: z.number().min(0.5).max(3),
    seed: z.number().int().min(0).max(2 ** 32 - 1),
    maxTokens: z.number().int().min(1).max(1_000_000),
    stop: z.array(z.string().min(1).max(200)).max(16),
  })
  .partial()
  .strict();

export const loadOptionsSchema = z
  .object({
    modelId: id,
    /** Context window in tokens; default min(4096, trained length). */
    contextSize: z.number().int().min(64).max(1_048_576).optional(),
    /** CPU threads; default the app setting. */
    threads: z.number().int().min(1).max(256).optional(),
  })
  .strict();

export const chatArgsSchema = z
  .object({
    /** Client-chosen id, used to match streamed token events and to stop the reply. */
    requestId: z.string().min(1).max(128),
    messages: z.array(chatMessageSchema).min(1).max(10_000),
    params: samplingParamsSchema.optional(),
  })
  .strict();

export const contract = {
  'app.getInfo': method<AppInfo>()(noArgs),

  'library.listModels': method<ModelInfo[]>()(noArgs),

  'inference.getState': method<InferenceState>()(noArgs),
  'inference.loadModel': method<LoadedModel>()(loadOptionsSchema),
  'inference.unloadModel': method<{ unloaded: boolean }>()(noArgs),
  'inference.chat': method<ChatResult>()(chatArgsSchema),
  'inference.stop': method<{ stopped: boolean }>()(z.object({ requestId: z.string().min(1).max(128) }).strict()),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodArgs<M extends MethodName> = z.input<Contract[M]['args']>;
export type ParsedArgs<M extends MethodName> = z.output<Contract[M]['args']>;
export type MethodResult<M extends MethodName> = NonNullable<Contract[M]['result']>;

export const methodNames = Object.keys(contract) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

type GroupOf<M> = M extends `${infer G}.${string}` ? G : never;
type MemberOf<M, G extends string> = M extends `${G}.${infer N}` ? N : never;

type ClientMethod<M> = M extends MethodName ? (args?: MethodArgs<M>) => Promise<MethodResult<M>> : never;

/** The API as grouped objects: `api.inference.loadModel({ modelId })`. */
export type GroupedApi = {
  [G in GroupOf<MethodName>]: {
    [N in MemberOf<MethodName, G>]: ClientMethod<`${G}.${N}`>;
  };
};

/** What a service layer must implement: one handler per method, receiving validated args. */
export type Handlers = {
  [M in MethodName]: (args: ParsedArgs<M>) => Promise<MethodResult<M>>;
};
