import { randomBytes } from 'node:crypto';
import type { ChatMessage, ChatResult, ResponseFormat } from '../../../shared/dto';
import { toGrammarSchema } from '../../core/engine/jsonSchemaSupport';
import type { Logger } from '../../core/logging/logger';
import type { ReplyReading, ToolCall } from './generationResponse';
import { badRequest } from './openaiErrors';
import type { ChatCompletionBody, ToolBody } from './openaiSchemas';

/**
 * Tool calls on `/v1/chat/completions`. Hearth never runs a tool: it tells the model which
 * functions exist and how to ask for one, and hands the model's request back as `tool_calls`.
 *
 * The chat templates Hearth renders have no tool support, so everything is text: the tools are
 * described in the system message, and the model answers a call as one JSON object
 * `{"name": <function>, "arguments": {…}}`.
 * - `required` or a named function: the reply is constrained by a JSON-schema grammar (a `oneOf`
 *   of one object per tool, so the arguments follow the chosen tool's schema). A tool whose
 *   parameter schema the grammar cannot enforce gets a generic object for its arguments (logged).
 *   A reply cut by `max_tokens` before the JSON is complete is answered as text with
 *   `finish_reason: "length"`, never as a made-up call.
 * - `auto` (the default with tools): free generation; a reply that is exactly such an object (a
 *   ```json fence allowed) for a known tool becomes a tool call, anything else is content.
 * - `none`: the tools are not mentioned at all.
 */

/** What the tool fields of a request change: the messages, the grammar, and how the reply is read. */
export interface ToolPlan {
  messages: ChatMessage[];
  responseFormat: ResponseFormat | undefined;
  /** Absent when the reply is plain text (no tools, or `tool_choice: "none"`). */
  reading: ReplyReading | undefined;
}

/** Arguments schema of a tool whose parameter schema the grammar cannot enforce: any JSON object. */
const GENERIC_ARGUMENTS = { type: 'object', additionalProperties: true } as const;

/** Applies `tools` / `tool_choice` to a chat request whose messages are already converted. */
export function planTools(request: ChatCompletionBody, messages: ChatMessage[], responseFormat: ResponseFormat | undefined, logger: Logger): ToolPlan {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? (tools.length > 0 ? 'auto' : 'none');
  if (tools.length === 0) {
    if (choice !== 'none' && choice !== 'auto') throw badRequest("'tool_choice' asks for a tool call, but 'tools' is empty.", 'tool_choice');
    return { messages, responseFormat, reading: undefined };
  }
  const names = new Set<string>();
  tools.forEach((tool, i) => {
    if (names.has(tool.function.name)) throw badRequest(`Two tools are named '${tool.function.name}'.`, `tools[${i}].function.name`);
    names.add(tool.function.name);
  });
  if (choice === 'none') return { messages, responseFormat, reading: undefined };
  let offered = tools;
  if (typeof choice === 'object') {
    offered = tools.filter((tool) => tool.function.name === choice.function.name);
    if (offered.length === 0) throw badRequest(`'tool_choice' names '${choice.function.name.slice(0, 64)}', which is not in 'tools'.`, 'tool_choice');
  }
  const forced = choice !== 'auto';
  if (forced && responseFormat) throw badRequest("'response_format' cannot be combined with a required tool call ('tool_choice').", 'response_format');
  const described = withSystemText(messages, describeTools(tools, forced ? offered[0]?.function.name : undefined, choice === 'required'));
  const known = new Set(offered.map((tool) => tool.function.name));
  return {
    messages: described,
    responseFormat: forced ? { type: 'json_schema', schema: callSchema(offered, logger) } : responseFormat,
    reading: {
      forced,
      holding: (text) => forced || mayBeCall(text),
      toolCall: (result) => readCall(result, known, forced),
    },
  };
}

/** The JSON schema a forced reply follows: `{name, arguments}`, the arguments matching that tool's parameters. */
function callSchema(tools: ToolBody[], logger: Logger): Record<string, unknown> {
  const branches = tools.map((tool) => ({
    type: 'object',
    properties: { name: { const: tool.function.name }, arguments: enforceableArguments(tool, logger) },
    required: ['name', 'arguments'],
  }));
  return branches.length === 1 ? branches[0]! : { oneOf: branches };
}

function enforceableArguments(tool: ToolBody, logger: Logger): Record<string, unknown> {
  const schema = argumentsSchema(tool);
  try {
    toGrammarSchema(schema);
    return schema;
  } catch (error) {
    logger.warn(`api: tool '${tool.function.name}': its parameter schema cannot be enforced by a grammar, so its arguments are only constrained to a JSON object`, {
      reason: error instanceof Error ? error.message : String(error),
    });
    return { ...GENERIC_ARGUMENTS };
  }
}

function argumentsSchema(tool: ToolBody): Record<string, unknown> {
  return tool.function.parameters ?? { type: 'object', properties: {} };
}

/**
 * The system text that tells the model about the tools; `only`: the one it must call. Terse on
 * purpose: it is part of every prompt and counts against the context.
 */
function describeTools(tools: ToolBody[], only: string | undefined, anyRequired: boolean): string {
  const lines = ['Tools:'];
  for (const tool of tools) {
    const description = tool.function.description ? ` (${tool.function.description})` : '';
    lines.push(`${tool.function.name}${description}, arguments schema: ${JSON.stringify(argumentsSchema(tool))}`);
  }
  lines.push('To call a tool, reply only with JSON: {"name":"<tool>","arguments":{...}}');
  if (anyRequired) lines.push('Call one now.');
  else if (only) lines.push(`Call ${only} now.`);
  else lines.push('Otherwise reply in text.');
  return lines.join('\n');
}

/** Adds `text` to the first system message, or puts a system message first (some templates allow only one, at the start). */
function withSystemText(messages: ChatMessage[], text: string): ChatMessage[] {
  const first = messages[0];
  if (first?.role === 'system') return [{ role: 'system', content: first.content ? `${first.content}\n\n${text}` : text }, ...messages.slice(1)];
  return [{ role: 'system', content: text }, ...messages];
}

/** Could a reply that starts with `text` still turn out to be a tool call (an object, or a fenced one)? */
function mayBeCall(text: string): boolean {
  const start = text.trimStart();
  return start === '' || start.startsWith('{') || start.startsWith('```') || '```'.startsWith(start);
}

/** The reply as a tool call, or undefined when it is content (incomplete, not JSON, or not a known tool). */
function readCall(result: ChatResult, known: Set<string>, forced: boolean): ToolCall | undefined {
  if (forced && result.json?.valid !== true) return undefined;
  const text = result.text.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(text);
  let value: unknown;
  try {
    value = JSON.parse(fenced ? fenced[1]! : text);
  } catch {
    return undefined;
  }
  if (!isObject(value) || typeof value.name !== 'string' || !known.has(value.name)) return undefined;
  const args = value.arguments ?? {};
  if (!isObject(args)) return undefined;
  return { id: `call_${randomBytes(12).toString('hex')}`, type: 'function', function: { name: value.name, arguments: JSON.stringify(args) } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
