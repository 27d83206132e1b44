import { z } from 'zod';
import { issuePath } from '../../../shared/generation';
import { badRequest, type ApiError } from './openaiErrors';

/**
 * The request bodies of the OpenAI endpoints, as far as Hearth reads them. Objects are not strict:
 * clients send fields Hearth has no use for (`user`, `store`, `metadata`…), which are ignored. The
 * fields Hearth cannot honour (legacy `functions`, `n` > 1, images, logprobs) are refused in
 * `openaiParams.ts` with a message, never silently dropped. Tools are checked here and in `toolCalls.ts`.
 */

const maybe = <T extends z.ZodType>(schema: T) => schema.nullish();

const contentPartSchema = z.looseObject({ type: z.string().max(100), text: z.string().optional() });

/** A function name as OpenAI allows it: letters, digits, `_` and `-`, at most 64 characters. */
const functionNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, underscores or dashes');

/** A tool call the assistant made earlier in the conversation (sent back by the client). */
const toolCallBodySchema = z.looseObject({
  id: z.string().max(200),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string().max(200), arguments: z.string().max(1_000_000) }),
});

export const chatMessageBodySchema = z.looseObject({
  role: z.string().max(100),
  content: maybe(z.union([z.string(), z.array(contentPartSchema).max(10_000)])),
  tool_calls: maybe(z.array(toolCallBodySchema).max(128)),
  /** On a `tool` message: the id of the call it answers. */
  tool_call_id: maybe(z.string().max(200)),
  function_call: z.unknown().optional(),
});

/** One entry of `tools`: a function the model may call (Hearth never calls it). */
export const toolBodySchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: functionNameSchema,
    description: maybe(z.string().max(10_000)),
    /** A JSON schema of the arguments object; absent means no arguments. */
    parameters: maybe(z.record(z.string(), z.unknown())),
    strict: maybe(z.boolean()),
  }),
});

/** `tool_choice`: `none`, `auto`, `required`, or one named function. */
export const toolChoiceBodySchema = maybe(
  z.union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().max(200) }) })]),
);

const streamOptionsSchema = maybe(z.looseObject({ include_usage: maybe(z.boolean()) }));

/** OpenAI's `response_format`. */
export const responseFormatBodySchema = maybe(
  z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('text') }),
    z.looseObject({ type: z.literal('json_object') }),
    z.looseObject({
      type: z.literal('json_schema'),
      json_schema: z.looseObject({
        name: z.string().max(200).optional(),
        schema: z.record(z.string(), z.unknown()).optional(),
        strict: maybe(z.boolean()),
      }),
    }),
  ]),
);

/**
 * Sampling settings (`samplingFields.ts` lists them, with llama.cpp's extensions `top_k`, `min_p`,
 * `repeat_penalty`, `repeat_last_n`) are taken as sent: the generation pipeline validates them once,
 * against the limits declared in `shared/schemas.ts`, and names a wrong one as the client sent it.
 */
const sampled = z.unknown().optional();
const samplingFields = {
  model: maybe(z.string().max(1_000)),
  stream: maybe(z.boolean()),
  stream_options: streamOptionsSchema,
  temperature: sampled,
  top_p: sampled,
  top_k: sampled,
  min_p: sampled,
  repeat_penalty: sampled,
  repeat_last_n: sampled,
  max_tokens: sampled,
  stop: sampled,
  seed: sampled,
  presence_penalty: sampled,
  frequency_penalty: sampled,
  n: maybe(z.number().int()),
  logprobs: z.unknown().optional(),
  response_format: responseFormatBodySchema,
};

export const chatCompletionBodySchema = z.looseObject({
  ...samplingFields,
  messages: z.array(chatMessageBodySchema).min(1).max(10_000),
  max_completion_tokens: sampled,
  tools: maybe(z.array(toolBodySchema).max(128)),
  tool_choice: toolChoiceBodySchema,
  parallel_tool_calls: maybe(z.boolean()),
  functions: z.unknown().optional(),
  function_call: z.unknown().optional(),
  top_logprobs: z.unknown().optional(),
});

export const completionBodySchema = z.looseObject({
  ...samplingFields,
  prompt: z.union([z.string(), z.array(z.unknown())]),
  suffix: maybe(z.string()),
  echo: maybe(z.boolean()),
  best_of: maybe(z.number().int()),
});

export const embeddingBodySchema = z.looseObject({
  model: maybe(z.string().max(1_000)),
  input: z.union([z.string(), z.array(z.unknown()).max(2_048)]),
  encoding_format: maybe(z.enum(['float', 'base64'])),
  dimensions: maybe(z.number().int()),
});

export type ChatCompletionBody = z.infer<typeof chatCompletionBodySchema>;
export type ToolBody = z.infer<typeof toolBodySchema>;
export type CompletionBody = z.infer<typeof completionBodySchema>;
export type EmbeddingBody = z.infer<typeof embeddingBodySchema>;

/** Parses a body, or throws a 400 naming the first wrong field the way OpenAI does (`messages[0].role`). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw issueToError(parsed.error.issues[0]);
}

function issueToError(issue: z.core.$ZodIssue | undefined): ApiError {
  if (!issue) return badRequest('The request body is invalid.');
  const param = issuePath(issue.path);
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  if (missing) return badRequest(`Missing required parameter: '${param}'.`, param || null, 'missing_required_parameter');
  return badRequest(`Invalid '${param || 'body'}': ${issue.message.slice(0, 300)}.`, param || null, 'invalid_value');
}
