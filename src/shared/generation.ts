import { z } from 'zod';
import type { ChatChunk, ChatResult } from './dto';
import { AppError } from './errors';
import { chatMessageSchema, chunkingSchema, logprobsSchema, rawPromptSchema, responseFormatSchema, samplingParamsSchema } from './schemas';
import { checkToolFields, toolFieldsShape } from './toolSchemas';

/**
 * One generation request, whichever surface it came from (the OpenAI and Ollama routes,
 * `hearth run`, a chat reply): each translates its own shape into this and nothing else. The
 * pipeline (`core/generation/generationPipeline.ts`) validates it once, resolves and holds the
 * model, runs it and streams {@link GenerationEvent}s to the caller that asked.
 */
export const generationRequestSchema = z
  .object({
    /** Client-chosen id (stop it with `inference.stop`); default a fresh one. */
    requestId: z.string().min(1).max(128).optional(),
    /** The model by name: id, file name (with or without `.gguf`), or `owner/repo`; absent = the primary resident model. */
    model: z.string().min(1).max(1_000).optional(),
    /** A conversation, rendered with the model's chat template. Exactly one of `messages` and `prompt`. */
    messages: z.array(chatMessageSchema).min(1).max(10_000).optional(),
    /** Raw text given to the model as it is, without a chat template. */
    prompt: rawPromptSchema.optional(),
    /**
     * Sampling, as in {@link samplingParamsSchema}, except `seed`: any integer, folded into the
     * 32 bits llama.cpp's sampler takes (see {@link foldSeed}).
     */
    sampling: samplingParamsSchema.extend({ seed: z.number().int().optional() }).optional(),
    responseFormat: responseFormatSchema.optional(),
    /** How the text is cut into `tokens` events; default batched (see {@link chunkingSchema}). */
    chunking: chunkingSchema.optional(),
    /** Each generated token's log probability, with the `top` likeliest alternatives. */
    logprobs: logprobsSchema.optional(),
    /**
     * Functions the model may call (see {@link toolFieldsShape}), rendered in the model's own tool
     * format; a call comes back as `toolCall` events and the outcome's `toolCalls`. Only with `messages`.
     */
    ...toolFieldsShape,
  })
  .strict()
  .refine((request) => (request.messages === undefined) !== (request.prompt === undefined), {
    message: 'give either messages or a prompt, not both and not neither',
    path: ['messages'],
  })
  .superRefine((request, ctx) => {
    checkToolFields(request, ctx);
    if ((request.tools?.length ?? 0) > 0 && request.prompt !== undefined) ctx.addIssue({ code: 'custom', path: ['tools'], message: 'tools need messages (a raw prompt has no tool format)' });
    const forced = request.toolChoice !== undefined && request.toolChoice !== 'auto' && request.toolChoice !== 'none';
    if (forced && request.responseFormat && request.responseFormat.type !== 'text') {
      ctx.addIssue({ code: 'custom', path: ['responseFormat'], message: 'a JSON response format cannot be combined with a required tool call' });
    }
  });

export type GenerationRequest = z.infer<typeof generationRequestSchema>;
export type GenerationSampling = NonNullable<GenerationRequest['sampling']>;

/**
 * Any integer seed as the 32-bit one llama.cpp's sampler takes, deterministically (the same seed
 * always gives the same reply). -1 folds to 0xFFFFFFFF, which llama.cpp reads as "a random seed",
 * as Ollama's and llama.cpp's clients mean it.
 */
export function foldSeed(seed: number): number {
  return ((seed % 2 ** 32) + 2 ** 32) % 2 ** 32;
}

/** What a generation streams to its own caller: which model took it (and how long loading took), then the engine's chunks. */
export type GenerationEvent = { type: 'model'; modelId: string; loadMs: number } | ChatChunk;

/** How a generation ended, in the words every surface maps from: `aborted` = stopped before its end; `toolCalls` = it called tools. */
export type FinishReason = 'stop' | 'length' | 'aborted' | 'toolCalls';

/** A generation's result: the engine's, plus the model that answered, one finish reason and the usage. */
export interface GenerationOutcome extends ChatResult {
  modelId: string;
  finishReason: FinishReason;
  usage: { promptTokens: number; completionTokens: number; cachedPromptTokens: number; totalTokens: number };
  /** From the request to its model being resident and held, in ms (about 0 when it already was). */
  loadMs: number;
}

/**
 * A request that failed validation: `path` names the field in {@link GenerationRequest}'s terms
 * (`sampling.temperature`, `messages[2].content`) so that each surface can name it in its own
 * (`temperature`, `options.temperature`).
 */
export class InvalidRequestError extends AppError {
  constructor(
    readonly path: string,
    readonly issue: string,
  ) {
    super('BAD_REQUEST', `Invalid '${path}': ${issue}.`);
    this.name = 'InvalidRequestError';
  }
}

/** A zod issue path as `a.b[2].c`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('');
}

/** Validates a request; throws {@link InvalidRequestError} naming the first wrong field. */
export function parseGenerationRequest(value: unknown): GenerationRequest {
  const parsed = generationRequestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidRequestError(issue ? issuePath(issue.path) : '', (issue?.message ?? 'rejected').slice(0, 300));
}
