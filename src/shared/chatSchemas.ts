import { z } from 'zod';
import { idSchema, requestIdSchema, responseFormatSchema, samplingParamsSchema } from './schemas';

/**
 * Arguments of the `chats.*` methods. Ids are short and made of letters, digits, `_` and `-`
 * only: a chat id names a file, so nothing a caller sends can point outside the chats folder.
 */

export const CHAT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** True for a string usable as a chat or message id (also a file name and an object key). */
export function isValidChatId(id: string): boolean {
  // `__proto__` fits the pattern but would reach an object's prototype when used as a key.
  return CHAT_ID_PATTERN.test(id) && id !== '__proto__';
}
export const chatIdSchema = z.string().refine(isValidChatId, 'must be 1–64 letters, digits, _ or -');
export const messageIdSchema = chatIdSchema;
/** Longest title kept, in characters. */
export const MAX_TITLE_LENGTH = 200;
export const titleSchema = z.string().trim().min(1).max(MAX_TITLE_LENGTH);
export const messageContentSchema = z.string().max(1_000_000);
export const systemPromptSchema = z.string().max(100_000);

export const chatIdArgsSchema = z.object({ chatId: chatIdSchema }).strict();

export const chatCreateArgsSchema = z
  .object({
    title: titleSchema.optional(),
    systemPrompt: systemPromptSchema.optional(),
    params: samplingParamsSchema.optional(),
    /** Structured output for every reply of the chat (see `chats.setOverrides`). */
    responseFormat: responseFormatSchema.optional(),
    /** Library id of the chat's model (see `chats.setModel`); absent: the first reply records the primary model. */
    modelId: idSchema.optional(),
  })
  .strict();

export const chatRenameArgsSchema = z.object({ chatId: chatIdSchema, title: titleSchema }).strict();

export const chatSearchArgsSchema = z
  .object({
    /** Case-insensitive; matched against titles and the text of every message. */
    query: z.string().trim().min(1).max(500),
    /** Most hits returned; default 50. */
    limit: z.number().int().min(1).max(500).optional(),
  })
  .strict();

export const chatExportArgsSchema = z.object({ chatId: chatIdSchema, format: z.enum(['markdown', 'json']) }).strict();

/** The text of a JSON export (at most 50 MB of characters); validated in core. */
export const chatImportArgsSchema = z.object({ text: z.string().min(1).max(50_000_000) }).strict();

/** Fields every reply-producing call takes. */
const replyFields = {
  chatId: chatIdSchema,
  /** Chooses the request id (matches `inference.stop`); generated when absent. */
  requestId: requestIdSchema.optional(),
  /** Sampling for this reply only, over the conversation's overrides. */
  params: samplingParamsSchema.optional(),
  /** Structured output for this reply only, over the conversation's overrides (`text` turns it off). */
  responseFormat: responseFormatSchema.optional(),
};

export const chatSendArgsSchema = z.object({ ...replyFields, content: messageContentSchema.min(1) }).strict();

export const chatRegenerateArgsSchema = z
  .object({
    ...replyFields,
    /**
     * An assistant message gets a new sibling version; a user message a new reply. Default: the
     * last message shown.
     */
    messageId: messageIdSchema.optional(),
  })
  .strict();

export const chatEditMessageArgsSchema = z
  .object({ ...replyFields, messageId: messageIdSchema, content: messageContentSchema.min(1) })
  .strict();

export const chatMessageArgsSchema = z.object({ chatId: chatIdSchema, messageId: messageIdSchema }).strict();

export const chatOverridesArgsSchema = z
  .object({
    chatId: chatIdSchema,
    /** A string sets it, null clears it, absent leaves it. */
    systemPrompt: systemPromptSchema.nullable().optional(),
    /** Replaces the conversation's sampling overrides; null clears them, absent leaves them. */
    params: samplingParamsSchema.nullable().optional(),
    /** Structured output of every reply (`json_object` / `json_schema`); null clears it, absent leaves it. */
    responseFormat: responseFormatSchema.nullable().optional(),
  })
  .strict();

/**
 * `chats.setModel`: the model this chat talks to from now on (a library id). It need not be loaded
 * yet: replies are refused with MODEL_NOT_LOADED until it is (loading stays the user's choice).
 */
export const chatSetModelArgsSchema = z.object({ chatId: chatIdSchema, modelId: idSchema }).strict();

/** An MCP server name as `mcp.json` may spell it (any text, bounded); a tool name likewise. */
const mcpNameSchema = z.string().min(1).max(200);

/**
 * `chats.setTools`: the MCP servers (each whole, or only the `tools` named) this chat's replies may
 * call, replacing the previous list; `[]` turns tools off. Each call still asks the user unless
 * its tool or server is always allowed. `toolUse` (absent = unchanged): `auto` lets the model
 * choose; `required` makes the first round of each reply call one of the tools.
 */
export const chatSetToolsArgsSchema = z
  .object({
    chatId: chatIdSchema,
    sources: z
      .array(z.object({ server: mcpNameSchema, tools: z.array(mcpNameSchema).min(1).max(128).optional() }).strict())
      .max(32)
      .refine((sources) => new Set(sources.map((s) => s.server)).size === sources.length, 'names a server twice'),
    toolUse: z.enum(['auto', 'required']).optional(),
  })
  .strict();

/**
 * `chats.decideToolCall`: the user's answer to a call waiting in a running reply. `once` runs it;
 * `alwaysTool` / `alwaysServer` run it and remember the tool / the server (until revoked);
 * `deny` feeds a refusal back to the model instead of a result.
 */
export const chatDecideToolCallArgsSchema = z
  .object({
    chatId: chatIdSchema,
    messageId: messageIdSchema,
    callId: z.string().min(1).max(256),
    decision: z.enum(['once', 'alwaysTool', 'alwaysServer', 'deny']),
  })
  .strict();

/** `chats.revokeToolApproval`: forgets "always allow" for a tool (`tool` given) or a server. */
export const chatRevokeToolApprovalArgsSchema = z.object({ server: mcpNameSchema, tool: mcpNameSchema.optional() }).strict();

export type ChatSetToolsArgs = z.infer<typeof chatSetToolsArgsSchema>;
export type ChatDecideToolCallArgs = z.infer<typeof chatDecideToolCallArgsSchema>;
export type ChatRevokeToolApprovalArgs = z.infer<typeof chatRevokeToolApprovalArgsSchema>;
export type ChatCreateArgs = z.infer<typeof chatCreateArgsSchema>;
export type ChatSearchArgs = z.infer<typeof chatSearchArgsSchema>;
export type ChatSendArgs = z.infer<typeof chatSendArgsSchema>;
export type ChatRegenerateArgs = z.infer<typeof chatRegenerateArgsSchema>;
export type ChatEditMessageArgs = z.infer<typeof chatEditMessageArgsSchema>;
export type ChatOverridesArgs = z.infer<typeof chatOverridesArgsSchema>;
export type ChatSetModelArgs = z.infer<typeof chatSetModelArgsSchema>;
