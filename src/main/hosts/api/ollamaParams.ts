import { z } from 'zod';
import type { ChatMessage, ResponseFormat, Tool } from '../../../shared/dto';
import { MAX_TOOLS } from '../../../shared/toolSchemas';
import type { GenerationSampling } from '../../../shared/generation';
import { badRequest } from './openaiErrors';
import { readSampling } from './samplingFields';

/**
 * Ollama's request bodies (`/api/chat`, `/api/generate`, `/api/embed`, `/api/embeddings`) and
 * their translation to Hearth's arguments. Objects are loose: Ollama clients send fields Hearth
 * has no use for. Three kinds of field:
 * - sampling options Hearth honours (`samplingFields.ts` lists them: `temperature`, `top_p`,
 *   `top_k`, `min_p`, `seed`, `num_predict`, `stop`, `repeat_penalty`, `repeat_last_n`,
 *   `presence_penalty`, `frequency_penalty`);
 * - residency: `keep_alive` and `options.num_ctx` (`ollamaKeepAlive.ts`: through the fleet's policy);
 * - settings of the load that Hearth decides elsewhere and ignores here, as Ollama itself ignores
 *   options it does not know (`num_gpu`, `num_thread`…);
 * - requests Hearth cannot honour and refuses with a 400 rather than answer differently: images,
 *   `think: true`, `suffix`, `template`, a `context` array (and tools on `/api/generate`).
 * Tools on `/api/chat` are the model's own tool format (as on the OpenAI routes).
 */

/** Sampling options are taken as sent (`samplingFields.ts`): the generation pipeline validates them. */
const optionsSchema = z.record(z.string(), z.unknown()).nullish();

/** `format`: `"json"`, a JSON schema object, or empty/absent for plain text. */
const formatSchema = z.union([z.string().max(20), z.record(z.string(), z.unknown())]).nullish();

const common = {
  model: z.string().min(1, 'is required').max(1_000),
  stream: z.boolean().nullish(),
  format: formatSchema,
  options: optionsSchema,
  think: z.unknown().optional(),
  tools: z.unknown().optional(),
  /** A duration ("5m"), seconds, 0 (unload after) or negative (keep): read by `ollamaKeepAlive.ts`. */
  keep_alive: z.union([z.string().max(40), z.number()]).nullish(),
};

export const ollamaChatBodySchema = z.looseObject({
  ...common,
  messages: z
    .array(
      z.looseObject({
        role: z.string().max(100),
        content: z.string().nullish(),
        images: z.unknown().optional(),
        tool_calls: z
          .array(z.looseObject({ id: z.string().max(200).nullish(), function: z.looseObject({ name: z.string().max(200), arguments: z.unknown().optional() }) }))
          .max(128)
          .nullish(),
        /** On a `tool` message: which function's result it is (Ollama's messages carry no call id). */
        tool_name: z.string().max(200).nullish(),
        tool_call_id: z.string().max(200).nullish(),
      }),
    )
    .max(10_000)
    .nullish(),
});

export const ollamaGenerateBodySchema = z.looseObject({
  ...common,
  prompt: z.string().nullish(),
  system: z.string().nullish(),
  raw: z.boolean().nullish(),
  suffix: z.string().nullish(),
  template: z.string().nullish(),
  context: z.array(z.number()).nullish(),
  images: z.unknown().optional(),
});

export const ollamaEmbedBodySchema = z.looseObject({
  model: z.string().min(1, 'is required').max(1_000),
  /** `/api/embed`: one string or several. */
  input: z.union([z.string(), z.array(z.string()).max(100_000)]).nullish(),
  /** `/api/embeddings` (the older endpoint): one string. */
  prompt: z.string().nullish(),
  dimensions: z.number().int().nullish(),
  keep_alive: z.union([z.string().max(40), z.number()]).nullish(),
  options: optionsSchema,
});

export type OllamaChatBody = z.output<typeof ollamaChatBodySchema>;
export type OllamaGenerateBody = z.output<typeof ollamaGenerateBodySchema>;
type OllamaOptions = z.output<typeof optionsSchema>;

/**
 * Ollama's options as Hearth's sampling settings. Where Ollama gives a number a meaning of its own,
 * it is translated first: `num_predict` ≤ 0 (-1 endless, -2 fill the context) = no limit; a
 * negative `top_k` or `repeat_last_n` (-1: the whole context) = 0, i.e. off / llama.cpp's widest.
 */
export function toOllamaSampling(options: OllamaOptions): GenerationSampling {
  if (!options) return {};
  const fields = { ...options };
  if (typeof fields.num_predict === 'number' && fields.num_predict <= 0) delete fields.num_predict;
  for (const name of ['top_k', 'repeat_last_n']) {
    const value = fields[name];
    if (typeof value === 'number' && value < 0) fields[name] = 0;
  }
  return readSampling(fields, 'ollama');
}

/** `format: "json"` → any JSON object; a schema object → that schema (grammar-constrained). */
export function toOllamaFormat(format: z.output<typeof formatSchema>): ResponseFormat | undefined {
  if (format == null || format === '') return undefined;
  if (format === 'json') return { type: 'json_object' };
  if (typeof format === 'string') throw badRequest(`format must be "json" or a JSON schema object, got "${format.slice(0, 20)}".`, 'format');
  return { type: 'json_schema', schema: format };
}

/** Refuses what Hearth cannot do instead of answering something else; `tools` only where the endpoint has none (`/api/generate`). */
export function refuseUnsupported(body: { tools?: unknown; think?: unknown; images?: unknown }, toolsAllowed = false): void {
  if (!toolsAllowed && body.tools != null && !(Array.isArray(body.tools) && body.tools.length === 0)) throw badRequest('tools need a conversation: send them to /api/chat.', 'tools');
  if (body.think === true || typeof body.think === 'string') throw badRequest('think is not supported: Hearth does not separate thinking from the reply.', 'think');
  if (body.images != null && !(Array.isArray(body.images) && body.images.length === 0)) throw badRequest('images are not supported: Hearth runs text models only.', 'images');
}

/** Ollama's `tools` (OpenAI's shape) as Hearth's. */
export function toOllamaTools(tools: unknown): Tool[] | undefined {
  if (tools == null || (Array.isArray(tools) && tools.length === 0)) return undefined;
  const parsed = ollamaToolsSchema.safeParse(tools);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`Invalid 'tools${issue ? issuePathSuffix(issue.path) : ''}': ${issue?.message ?? 'rejected'}.`, 'tools');
  }
  return parsed.data.map(({ function: fn }) => ({ name: fn.name, ...(fn.description ? { description: fn.description } : {}), ...(fn.parameters ? { parameters: fn.parameters } : {}) }));
}

const ollamaToolsSchema = z
  .array(
    z.looseObject({
      type: z.literal('function').optional(),
      function: z.looseObject({
        name: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'a tool name is 1–128 letters, digits, _, . or -'),
        description: z.string().max(10_000).nullish(),
        parameters: z.record(z.string(), z.unknown()).nullish(),
      }),
    }),
  )
  .max(MAX_TOOLS);

function issuePathSuffix(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
}

/**
 * Ollama's chat messages as Hearth's: system, user and assistant text, assistant tool calls and
 * `tool` results. Ollama's messages carry no call ids (its newer clients may send one): a call gets
 * one here, and a result answers the earliest unanswered call of its `tool_name` (or of any name).
 */
export function toOllamaMessages(messages: NonNullable<OllamaChatBody['messages']>): ChatMessage[] {
  const unanswered: Array<{ id: string; name: string }> = [];
  return messages.map((message, i): ChatMessage => {
    const { role } = message;
    refuseUnsupported({ images: message.images });
    if (role === 'tool') {
      const at = unanswered.findIndex((call) => message.tool_call_id ? call.id === message.tool_call_id : !message.tool_name || call.name === message.tool_name);
      if (at === -1) throw badRequest(`messages[${i}] is a tool result, but no earlier assistant message made a matching tool call.`, `messages[${i}].role`);
      const [call] = unanswered.splice(at, 1);
      return { role: 'tool', toolCallId: call!.id, content: message.content ?? '' };
    }
    if (role !== 'system' && role !== 'user' && role !== 'assistant') {
      throw badRequest(`messages[${i}]: role must be system, user, assistant or tool (got '${role.slice(0, 40)}').`, `messages[${i}].role`);
    }
    if (!message.tool_calls || message.tool_calls.length === 0) return { role, content: message.content ?? '' };
    if (role !== 'assistant') throw badRequest(`Only assistant messages carry tool calls (messages[${i}] is '${role}').`, `messages[${i}].tool_calls`);
    const toolCalls = message.tool_calls.map((call, j) => {
      const id = call.id ?? `call_${i}_${j}`;
      unanswered.push({ id, name: call.function.name });
      const args = call.function.arguments;
      return { id, name: call.function.name, arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) };
    });
    return { role, content: message.content ?? '', toolCalls };
  });
}
