import { z } from 'zod';

/**
 * The request body of `POST /v1/responses` (OpenAI's Responses API), as far as Hearth reads it.
 * Objects are loose: fields with no effect on a local reply (`user`, `metadata`, `service_tier`,
 * `prompt_cache_key`…) are ignored. What Hearth cannot do (built-in tools, images, `background`…)
 * is refused in `responsesRequest.ts` with a 400 naming the field, never silently dropped.
 */

const maybe = <T extends z.ZodType>(schema: T) => schema.nullish();

/** One content part of a message item: `input_text` / `output_text` are read; other types are refused by name. */
const contentPartSchema = z.looseObject({ type: z.string().max(100), text: z.string().max(1_000_000).optional() });

/**
 * One item of `input`: a message (`type: "message"` or no type, with a role), a function call the
 * model made earlier, or the output of one. Other item types are refused by name.
 */
export const inputItemSchema = z.looseObject({
  type: z.string().max(100).optional(),
  role: z.string().max(100).optional(),
  content: z.union([z.string().max(1_000_000), z.array(contentPartSchema).max(10_000)]).optional(),
  call_id: z.string().max(200).optional(),
  name: z.string().max(200).optional(),
  arguments: z.string().max(1_000_000).optional(),
  output: z.union([z.string().max(1_000_000), z.array(contentPartSchema).max(10_000)]).optional(),
});

/** One entry of `tools`: a function tool is flat here (`name` beside `type`), unlike chat completions' `function` object. */
export const responsesToolSchema = z.looseObject({
  type: z.string().max(100),
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, underscores or dashes').optional(),
  description: maybe(z.string().max(10_000)),
  parameters: maybe(z.record(z.string(), z.unknown())),
  strict: maybe(z.boolean()),
});

/** `tool_choice`: `none`, `auto`, `required`, or `{type: "function", name}` (other types are refused). */
const toolChoiceSchema = maybe(z.union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.string().max(100), name: z.string().max(200).optional() })]));

/** `text.format`: the response format, flat (`name`, `schema`, `strict` beside `type`). */
const textFormatSchema = maybe(
  z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('text') }),
    z.looseObject({ type: z.literal('json_object') }),
    z.looseObject({
      type: z.literal('json_schema'),
      name: z.string().max(200).optional(),
      schema: z.record(z.string(), z.unknown()),
      strict: maybe(z.boolean()),
      description: maybe(z.string().max(10_000)),
    }),
  ]),
);

/** Sampling settings are taken as sent: the generation pipeline validates them and the error is renamed back. */
const sampled = z.unknown().optional();

export const responsesBodySchema = z.looseObject({
  model: maybe(z.string().max(1_000)),
  input: z.union([z.string(), z.array(inputItemSchema).max(10_000)]),
  instructions: maybe(z.string().max(1_000_000)),
  previous_response_id: maybe(z.string().max(200)),
  store: maybe(z.boolean()),
  stream: maybe(z.boolean()),
  max_output_tokens: sampled,
  temperature: sampled,
  top_p: sampled,
  // llama.cpp server's extensions, as on chat completions.
  top_k: sampled,
  min_p: sampled,
  repeat_penalty: sampled,
  repeat_last_n: sampled,
  seed: sampled,
  presence_penalty: sampled,
  frequency_penalty: sampled,
  text: maybe(z.looseObject({ format: textFormatSchema })),
  tools: maybe(z.array(responsesToolSchema).max(128)),
  tool_choice: toolChoiceSchema,
  parallel_tool_calls: maybe(z.boolean()),
  // Refused when they ask for something (see `refuseUnsupported`).
  background: z.unknown().optional(),
  n: z.unknown().optional(),
  include: z.unknown().optional(),
  top_logprobs: z.unknown().optional(),
  reasoning: z.unknown().optional(),
  truncation: z.unknown().optional(),
  conversation: z.unknown().optional(),
  prompt: z.unknown().optional(),
  metadata: z.unknown().optional(),
});

export type ResponsesBody = z.infer<typeof responsesBodySchema>;
export type InputItem = z.infer<typeof inputItemSchema>;
export type ResponsesTool = z.infer<typeof responsesToolSchema>;
