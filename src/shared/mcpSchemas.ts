import { z } from 'zod';

/**
 * MCP servers (tools for the model, over the Model Context Protocol): the limits declared once,
 * and the arguments of the `mcp.*` methods. The `mcp.json` file itself is validated in core
 * (`src/main/core/mcp/mcpConfig.ts`) from the same field schemas.
 */

/** A tool call's deadline when the server's `timeoutMs` does not say, in ms (30 s). */
export const MCP_DEFAULT_TIMEOUT_MS = 30_000;
/** Bounds of a server's `timeoutMs`, in ms (1 s to 10 min). */
export const MCP_MIN_TIMEOUT_MS = 1_000;
export const MCP_MAX_TIMEOUT_MS = 600_000;
/** Most text of one tool result handed on (to the model, to the UI), in UTF-8 bytes (64 KiB); the rest is cut with a note. */
export const MCP_OUTPUT_CAP_BYTES = 64 * 1024;

/** A server's name: the key under `mcpServers`. Printable, no control characters. */
export const mcpServerNameSchema = z
  .string()
  .min(1, 'a server name is 1–100 characters')
  .max(100, 'a server name is 1–100 characters')
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name) && name.trim() === name, 'a server name has no control characters and no spaces at either end');

/** An environment variable's name, as POSIX shells allow. */
export const envNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name is letters, digits and _ (not starting with a digit)');
/** An HTTP header's name (RFC 9110 token). */
export const headerNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'a header name is letters, digits and -');

export const mcpCommandSchema = z.string().min(1, 'command is empty').max(4_096);
export const mcpArgsSchema = z.array(z.string().max(32_768)).max(256);
export const mcpUrlSchema = z
  .string()
  .max(4_096)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');
export const mcpTimeoutSchema = z.number().int().min(MCP_MIN_TIMEOUT_MS).max(MCP_MAX_TIMEOUT_MS);

/**
 * A secret's value as the UI sends it back: a string sets it, `null` keeps the value already
 * stored under that name (the UI never sees stored values, only names).
 */
const secretValueSchema = z.string().max(32_768).nullable();

const stdioInputSchema = z
  .object({
    transport: z.literal('stdio'),
    command: mcpCommandSchema,
    args: mcpArgsSchema.default([]),
    /** Extra environment variables (the server also gets PATH, HOME, … from Hearth's). */
    env: z.record(envNameSchema, secretValueSchema).default({}),
    cwd: z.string().min(1).max(4_096).optional(),
  })
  .strict();

const urlInputSchema = z
  .object({
    /** `http`: Streamable HTTP, falling back to the older SSE transport; `sse`: SSE only. */
    transport: z.enum(['http', 'sse']),
    url: mcpUrlSchema,
    headers: z.record(headerNameSchema, secretValueSchema).default({}),
  })
  .strict();

export const mcpServerInputSchema = z.discriminatedUnion('transport', [stdioInputSchema, urlInputSchema]);

export const mcpSaveServerArgsSchema = z
  .object({
    name: mcpServerNameSchema,
    /** The server's current name when renaming it; absent for a new server or an edit in place. */
    previousName: mcpServerNameSchema.optional(),
    server: mcpServerInputSchema,
    /** Default true for a new server; an edit keeps the current value. */
    enabled: z.boolean().optional(),
    /** Tool call deadline in ms; null = the default ({@link MCP_DEFAULT_TIMEOUT_MS}). */
    timeoutMs: mcpTimeoutSchema.nullable().optional(),
  })
  .strict();

export const mcpServerArgsSchema = z.object({ name: mcpServerNameSchema }).strict();
export const mcpSetEnabledArgsSchema = z.object({ name: mcpServerNameSchema, enabled: z.boolean() }).strict();
/** The text of another app's `mcp.json` (LM Studio, Cursor, Claude Desktop), at most 1 MB. */
export const mcpImportArgsSchema = z.object({ text: z.string().min(1).max(1_000_000) }).strict();

export type McpServerInput = z.infer<typeof mcpServerInputSchema>;
export type McpSaveServerArgs = z.infer<typeof mcpSaveServerArgsSchema>;
