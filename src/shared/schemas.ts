import { z } from 'zod';
import { checkToolFields, MAX_TOOLS, toolCallSchema, toolFieldsShape } from './toolSchemas';

/**
 * Zod schemas for everything a caller sends in. The TypeScript types of these inputs are inferred
 * from the schemas (`z.infer`), so each shape is written once. Output DTOs, which Hearth builds
 * itself and never validates, are plain interfaces in `dto.ts`.
 */

export const noArgsSchema = z.object({}).strict();
export const idSchema = z.string().min(1).max(512);
/** Client-chosen request id: matches streamed chunks and `inference.stop` to one reply. */
export const requestIdSchema = z.string().min(1).max(128);

/**
 * One turn of a conversation. An assistant turn may carry the tool calls it made (its content is
 * then often empty); a `tool` turn is the result of one call, naming it by `toolCallId`.
 */
export const chatMessageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant', 'tool']),
    content: z.string().max(1_000_000),
    toolCalls: z.array(toolCallSchema).min(1).max(MAX_TOOLS).optional(),
    toolCallId: z.string().min(1).max(256).optional(),
  })
  .strict()
  .superRefine((message, ctx) => {
    if (message.toolCalls && message.role !== 'assistant') ctx.addIssue({ code: 'custom', path: ['toolCalls'], message: 'only assistant messages carry tool calls' });
    if ((message.role === 'tool') !== (message.toolCallId !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['toolCallId'], message: message.role === 'tool' ? 'a tool message names the call it answers' : 'only tool messages answer a call' });
    }
  });

/**
 * Highest temperature any surface accepts (OpenAI's limit; above it replies are noise). Declared
 * once: the API, the CLI and the chat's parameter panel all read it from here.
 */
export const MAX_TEMPERATURE = 2;

export const samplingParamsSchema = z
  .object({
    /** 0 = greedy; at most {@link MAX_TEMPERATURE}. */
    temperature: z.number().min(0).max(MAX_TEMPERATURE),
    topK: z.number().int().min(0).max(100_000),
    topP: z.number().min(0).max(1),
    minP: z.number().min(0).max(1),
    /** 1 = off. Applied over the last `repeatLastN` generated tokens. */
    repeatPenalty: z.number().min(0.5).max(3),
    /** Subtracted from the logit of every token already in the window (OpenAI's meaning); 0 = off. */
    presencePenalty: z.number().min(-2).max(2),
    /** Subtracted from a token's logit once per time it occurs in the window; 0 = off. */
    frequencyPenalty: z.number().min(-2).max(2),
    /** Window of the three penalties above, in generated tokens; default 64, 0 turns all three off. */
    repeatLastN: z.number().int().min(0).max(4096),
    /** Fixed seed for reproducible sampling at temperature > 0. */
    seed: z.number().int().min(0).max(2 ** 32 - 1),
    /** Upper bound on generated tokens. */
    maxTokens: z.number().int().min(1).max(1_000_000),
    /** Generation stops before any of these strings; they are not included in the reply. */
    stop: z.array(z.string().min(1).max(200)).max(16),
  })
  .partial()
  .strict();

/**
 * How a reply's text is cut into streamed chunks: `token` = each generated token (each valid UTF-8
 * piece) on its own, as OpenAI, Ollama and llama-server stream to API clients; `batched` (the
 * default) = what arrived together, one chunk per engine message. Either way the engine posts text
 * at most every 50 ms (`STREAM_FLUSH_MS`, main/core/engine/tokenBatcher.ts): 20 updates a second.
 */
export const chunkingSchema = z.enum(['token', 'batched']);

/** Most alternatives per token a request may ask for with its log probabilities (OpenAI's limit). */
export const MAX_TOP_LOGPROBS = 20;

/** Return each generated token's log probability, and the `top` likeliest alternatives at its position (0 = none). */
export const logprobsSchema = z.object({ top: z.number().int().min(0).max(MAX_TOP_LOGPROBS) }).strict();

/** Most tokens of context anything may ask for: a load, a fit estimate, a command-line flag. */
export const MAX_CONTEXT_TOKENS = 1_048_576;
/** Fewest tokens of context a fit estimate may be asked for (the command line's `--context` too). */
export const MIN_FIT_CONTEXT_TOKENS = 256;
/** Most CPU threads a load or a measurement may ask for. */
export const MAX_THREADS = 256;

/** KV cache element type: f16 (default), or quantized (half / a quarter of the memory; needs flash attention). */
export const kvCacheTypeSchema = z.enum(['f16', 'q8_0', 'q4_0']);

/**
 * Every setting a model is loaded with, declared once: what a caller may ask for (all optional).
 * The same fields, each planned by `InferenceService` and read back by the engine worker, are the
 * engine's load request (`protocol.ts`: `LoadPlan`) and the settings a loaded model reports
 * (`dto.ts`: `LoadSettings`), so a new load setting is added here, planned, applied and shown.
 */
export const loadSettingsSchema = z
  .object({
    /** Context window per conversation, in tokens; default min(4096, trained length). */
    contextSize: z.number().int().min(64).max(MAX_CONTEXT_TOKENS).optional(),
    /** CPU threads; default the app setting. */
    threads: z.number().int().min(1).max(MAX_THREADS).optional(),
    /**
     * Replies generated at once (parallel sequences of one context); default: as many as fit
     * (up to 4), see `parallelSequences.ts`. Each costs one context's KV cache.
     */
    parallel: z.number().int().min(1).max(16).optional(),
    /** Layers to offload to the GPU: a number, `max`, or `auto` (as many as fit; the default). */
    gpuLayers: z.union([z.number().int().min(0).max(1_000), z.enum(['auto', 'max'])]).optional(),
    /** Flash attention (less memory for long contexts; ignored by models that cannot use it); default on. */
    flashAttention: z.boolean().optional(),
    /** KV cache element type; default f16. q8_0 / q4_0 save memory for long contexts and need flash attention. */
    kvCacheType: kvCacheTypeSchema.optional(),
    /** Tokens evaluated per batch while reading a prompt; default llama.cpp's (512, capped by the context). */
    batchSize: z.number().int().min(32).max(65_536).optional(),
    /** Memory-map the weights (default on: fast load, pages shared with the OS cache); off reads them into memory. */
    mmap: z.boolean().optional(),
  })
  .strict();

export const loadOptionsSchema = loadSettingsSchema
  .extend({
    modelId: idSchema,
    /** Load even when the estimate says it will not fit (the user was warned). */
    force: z.boolean().optional(),
    /** Keep the settings given here for this model: later loads that do not give them use them (the user's Load settings). */
    remember: z.boolean().optional(),
  })
  .strict();


export const fitArgsSchema = z
  .object({
    /** Context per sequence to estimate for, in tokens; default 8192 capped by each model's trained length. */
    contextSize: z.number().int().min(MIN_FIT_CONTEXT_TOKENS).max(MAX_CONTEXT_TOKENS).optional(),
    /** KV cache element type; default f16. */
    kvCacheType: kvCacheTypeSchema.optional(),
    /** Flash attention; default on, as loads use it. */
    flashAttention: z.boolean().optional(),
  })
  .strict();

export const hardwareArgsSchema = z
  .object({
    /** Read the slow parts again (GPU list, VRAM) instead of the cached snapshot. */
    refresh: z.boolean().optional(),
  })
  .strict();

/** Longest JSON schema accepted for structured output, in characters of its JSON text. */
export const MAX_JSON_SCHEMA_CHARS = 100_000;

/** True when `value` serialises to at most `max` characters (a value nested too deeply to serialise is not). */
function jsonFitsIn(max: number) {
  return (value: unknown): boolean => {
    try {
      return JSON.stringify(value).length <= max;
    } catch {
      return false;
    }
  };
}

/**
 * Constrains a reply's shape (OpenAI's `response_format`): `text` = free text, `json_object` = any
 * JSON object, `json_schema` = JSON matching `schema` (the subset node-llama-cpp turns into a grammar).
 */
export const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).strict(),
  z.object({ type: z.literal('json_object') }).strict(),
  z
    .object({
      type: z.literal('json_schema'),
      schema: z
        .record(z.string(), z.unknown())
        .refine(jsonFitsIn(MAX_JSON_SCHEMA_CHARS), `must be at most ${MAX_JSON_SCHEMA_CHARS} characters of JSON`),
    })
    .strict(),
]);

export const chatArgsSchema = z
  .object({
    requestId: requestIdSchema,
    /** Which resident model answers; default the primary one (the most recently loaded or used). */
    modelId: idSchema.optional(),
    messages: z.array(chatMessageSchema).min(1).max(10_000),
    params: samplingParamsSchema.optional(),
    responseFormat: responseFormatSchema.optional(),
    chunking: chunkingSchema.optional(),
    logprobs: logprobsSchema.optional(),
    ...toolFieldsShape,
  })
  .strict()
  .superRefine(checkToolFields);

/**
 * Token ids given instead of text (a completion's prompt, an embedding's input): evaluated exactly
 * as given, no BOS added; each must be in the model's vocabulary (the engine checks).
 */
export const tokenIdsSchema = z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).max(1_000_000);

/** A raw prompt: text, or token ids. */
export const rawPromptSchema = z.union([z.string().min(1).max(4_000_000), tokenIdsSchema]);

/** A raw completion (`/v1/completions`): `prompt` goes to the model as it is, without a chat template. */
export const completionArgsSchema = z
  .object({
    requestId: requestIdSchema,
    /** Which resident model answers; default the primary one. */
    modelId: idSchema.optional(),
    prompt: rawPromptSchema,
    params: samplingParamsSchema.optional(),
    responseFormat: responseFormatSchema.optional(),
    chunking: chunkingSchema.optional(),
    logprobs: logprobsSchema.optional(),
  })
  .strict();

/** Most texts in one `inference.embed` call. */
export const MAX_EMBED_TEXTS = 64;

export const embedArgsSchema = z
  .object({
    /** Which resident model computes them; default the primary one. */
    modelId: idSchema.optional(),
    /** Each text (or token ids) gets one vector; each must fit the loaded model's context. */
    texts: z.array(z.union([z.string().min(1).max(100_000), tokenIdsSchema.max(100_000)])).min(1).max(MAX_EMBED_TEXTS),
  })
  .strict();

export const stopArgsSchema = z.object({ requestId: requestIdSchema }).strict();

/** `inference.unloadModel`: one resident model, or every one when no `modelId` is given. */
export const unloadArgsSchema = z.object({ modelId: idSchema.optional() }).strict();

export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type ChatRole = ChatMessage['role'];
/** Sampling parameters; any left out use Hearth's defaults. */
export type SamplingParams = z.infer<typeof samplingParamsSchema>;
export type LoadOptions = z.infer<typeof loadOptionsSchema>;
/** Load settings as asked for: any may be left to the plan's defaults. */
export type LoadSettingsRequest = z.infer<typeof loadSettingsSchema>;
export type ChatArgs = z.infer<typeof chatArgsSchema>;
export type ResponseFormat = z.infer<typeof responseFormatSchema>;
export type CompletionArgs = z.infer<typeof completionArgsSchema>;
export type EmbedArgs = z.infer<typeof embedArgsSchema>;
export type KvCacheType = z.infer<typeof kvCacheTypeSchema>;
export type FitArgs = z.infer<typeof fitArgsSchema>;

/** A provider's name: the prefix of its models' names (`<provider>/<model>`). Lower case, so it never shadows a differently cased one. */
export const providerNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a provider name is 1–32 lower-case letters, digits or - (not first)');

/** A provider's base URL: http or https, no user name or password in it (a key goes in `apiKey`), no query. */
export const providerUrlSchema = z
  .string()
  .max(2_000)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.search === '' && url.hash === '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL without a user name, password, query or fragment');

/**
 * `providers.add`: an OpenAI-compatible server by base URL (with or without its `/v1`). The key:
 * `apiKey` is stored as a secret (never in settings.json), `keyEnv` names an environment variable
 * read at each use and never stored; neither = no key. Replaces a provider of the same name.
 */
export const providerAddArgsSchema = z
  .object({
    name: providerNameSchema,
    baseUrl: providerUrlSchema,
    apiKey: z.string().min(1).max(4_096).optional(),
    keyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name').optional(),
  })
  .strict()
  .refine((args) => !(args.apiKey !== undefined && args.keyEnv !== undefined), { message: 'give a key or the variable that holds it, not both', path: ['keyEnv'] });

export const providerNameArgsSchema = z.object({ name: providerNameSchema }).strict();
/** `providers.refresh`: one provider's models, or every provider's. */
export const providerRefreshArgsSchema = z.object({ name: providerNameSchema.optional() }).strict();
export type ProviderAddArgs = z.infer<typeof providerAddArgsSchema>;
