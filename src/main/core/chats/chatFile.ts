import { z } from 'zod';
import type { Conversation } from '../../../shared/chatDto';
import { chatIdSchema, messageIdSchema } from '../../../shared/chatSchemas';
import { responseFormatSchema, samplingParamsSchema, type ResponseFormat, type SamplingParams } from '../../../shared/schemas';
import { CURRENT_CHAT_SCHEMA, migrateChat } from './chatMigrations';
import { checkTree } from './chatTree';

/**
 * The stored shape of a conversation (current schema) and the one way to read one: parse JSON,
 * migrate, validate, check the tree. Used for files on disk and for imports alike.
 *
 * Deliberately lenient where strictness would lose a chat over nothing: sampling parameters and
 * stats are kept as plain records (a parameter renamed in a later Hearth must not make old chats
 * unreadable; unknown ones are dropped when a request is built, see {@link usableParams}), and
 * unknown top-level fields are ignored.
 */

const isoDate = z.string().min(1).max(64);
const paramsRecord = z.record(z.string(), z.unknown());

const replySchema = z.object({
  modelId: z.string().max(1_000),
  params: paramsRecord,
  status: z.enum(['streaming', 'done', 'stopped', 'error']),
  stopReason: z.enum(['eos', 'length', 'stop', 'abort', 'toolCalls', 'error']).optional(),
  error: z.string().max(10_000).optional(),
  stats: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  responseFormat: paramsRecord.optional(),
  json: z.object({ valid: z.boolean(), error: z.string().max(10_000).optional() }).optional(),
  droppedMessages: z.number().int().min(0).optional(),
  notice: z.string().max(10_000).optional(),
});

const toolCallSchema = z.object({
  id: z.string().min(1).max(256),
  name: z.string().max(256),
  arguments: z.string().max(1_000_000),
  server: z.string().max(1_000),
  tool: z.string().max(1_000),
  decision: z.enum(['once', 'alwaysTool', 'alwaysServer', 'remembered', 'deny']).optional(),
  result: z.object({ content: z.string().max(1_000_000), isError: z.boolean(), truncated: z.boolean() }).optional(),
});

const toolRoundSchema = z.object({ content: z.string().max(1_000_000), calls: z.array(toolCallSchema).max(1_000) });

const messageSchema = z.object({
  id: messageIdSchema,
  parentId: messageIdSchema.nullable(),
  role: z.enum(['user', 'assistant']),
  content: z.string().max(1_000_000),
  createdAt: isoDate,
  reply: replySchema.optional(),
  // Optional, so files written before chats called tools read as they are (no migration).
  toolRounds: z.array(toolRoundSchema).max(1_000).optional(),
});

const conversationSchema = z.object({
  schemaVersion: z.literal(CURRENT_CHAT_SCHEMA),
  id: chatIdSchema,
  title: z.string().max(1_000),
  titleSource: z.enum(['default', 'auto', 'user']),
  createdAt: isoDate,
  updatedAt: isoDate,
  overrides: z.object({ systemPrompt: z.string().max(100_000).optional(), params: paramsRecord.optional(), responseFormat: paramsRecord.optional() }),
  // Optional, so files written before chats kept their own model read as they are (no migration).
  modelId: z.string().min(1).max(1_000).optional(),
  modelName: z.string().max(1_000).optional(),
  toolSources: z.array(z.object({ server: z.string().min(1).max(200), tools: z.array(z.string().min(1).max(200)).max(128).optional() })).max(32).optional(),
  toolUse: z.enum(['auto', 'required']).optional(),
  messages: z.array(messageSchema).max(100_000),
  currentChild: z.record(z.string(), messageIdSchema),
});

/** Reads one conversation from JSON text of any supported version; throws a readable reason. */
export function parseConversation(text: string): Conversation {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('not valid JSON');
  }
  const migrated = migrateChat(doc);
  const parsed = conversationSchema.safeParse(migrated);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`unexpected content at ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`);
  }
  // The record fields are checked loosely on purpose (see above); the rest matches the DTO.
  const conversation = parsed.data as unknown as Conversation;
  const problem = checkTree(conversation);
  if (problem) throw new Error(problem);
  return conversation;
}

/** A reply left `streaming` by a Hearth that stopped mid-reply: keep its text, say what happened. */
export function markInterrupted(conversation: Conversation): Conversation {
  for (const message of conversation.messages) {
    if (message.reply?.status === 'streaming') {
      Object.assign(message.reply, { status: 'error', stopReason: 'error', error: 'Hearth stopped before this reply finished.' });
    }
  }
  return conversation;
}

/** The JSON written to disk and exported. */
export function serializeConversation(conversation: Conversation): string {
  return `${JSON.stringify(conversation, null, 1)}\n`;
}

/** The stored sampling parameters this Hearth understands; any other key or value is dropped. */
export function usableParams(raw: Record<string, unknown> | undefined): SamplingParams {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (samplingParamsSchema.safeParse({ [key]: value }).success) kept[key] = value;
  }
  return kept as SamplingParams;
}

/** A stored response format this Hearth understands, else undefined (free text). */
export function usableResponseFormat(raw: Record<string, unknown> | undefined): ResponseFormat | undefined {
  const parsed = responseFormatSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
