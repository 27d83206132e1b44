import { z } from 'zod';

/**
 * The schemas of tool calling: the functions a request offers the model, how it may call them,
 * and the calls it made. Shared by the generation pipeline, the chat RPC, the APIs and MCP.
 */

/**
 * A function the model may call: its name, what it does (for the model), and the JSON schema of
 * its arguments (an object; default: no arguments). Names as OpenAI and MCP allow them.
 */
export const toolSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'a tool name is 1–128 letters, digits, _, . or -'),
    description: z.string().max(10_000).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** Most tools one request may offer (each is described in the prompt, so they cost context). */
export const MAX_TOOLS = 128;

/**
 * Most tool calls in one reply (with parallel calls). A model that keeps calling is cut here, so
 * a reply cannot loop through calls until its token limit.
 */
export const MAX_TOOL_CALLS_PER_REPLY = 8;

/**
 * Whether the model calls a tool: `auto` (it decides; the default with tools), `none` (tools are
 * not offered), `required` (it must call one), or `{name}` (it must call that one).
 */
export const toolChoiceSchema = z.union([z.enum(['auto', 'none', 'required']), z.object({ name: z.string().min(1).max(128) }).strict()]);

/**
 * The tool fields of a chat request (the generation pipeline's and the `inference.chat` RPC's):
 * the functions the model may call, rendered in its own tool format; whether it must call one;
 * and whether one reply may make several calls (default true).
 */
export const toolFieldsShape = {
  tools: z.array(toolSchema).max(MAX_TOOLS).optional(),
  /** Default `auto` with tools. */
  toolChoice: toolChoiceSchema.optional(),
  parallelToolCalls: z.boolean().optional(),
};

/** Checks what the schema of the tool fields cannot: unique names, a tool choice that names an offered tool. */
export function checkToolFields(request: { tools?: Array<{ name: string }> | undefined; toolChoice?: z.infer<typeof toolChoiceSchema> | undefined }, ctx: z.RefinementCtx): void {
  const tools = request.tools ?? [];
  const names = new Set<string>();
  tools.forEach((tool, i) => {
    if (names.has(tool.name)) ctx.addIssue({ code: 'custom', path: ['tools', i, 'name'], message: `two tools are named '${tool.name}'` });
    names.add(tool.name);
  });
  const choice = request.toolChoice;
  if (choice === undefined || choice === 'auto' || choice === 'none') return;
  if (tools.length === 0) ctx.addIssue({ code: 'custom', path: ['toolChoice'], message: 'asks for a tool call, but no tools are given' });
  else if (typeof choice === 'object' && !names.has(choice.name)) ctx.addIssue({ code: 'custom', path: ['toolChoice'], message: `names '${choice.name}', which is not among the tools` });
}

/** A call the model made: its id (answered by a `tool` message with that `toolCallId`), the function, and its arguments as JSON text. */
export const toolCallSchema = z
  .object({
    id: z.string().min(1).max(256),
    name: z.string().min(1).max(128),
    arguments: z.string().max(1_000_000),
  })
  .strict();

export type Tool = z.infer<typeof toolSchema>;
export type ToolChoice = z.infer<typeof toolChoiceSchema>;
export type ToolCall = z.infer<typeof toolCallSchema>;
