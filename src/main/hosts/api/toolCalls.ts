import type { ChatChunk, Tool, ToolCall } from '../../../shared/dto';
import type { GenerationRequest } from '../../../shared/generation';
import { badRequest } from './openaiErrors';
import type { ChatCompletionBody, ToolBody } from './openaiSchemas';

/**
 * Tool calls on the OpenAI routes: only a translation. Hearth never runs a tool; the generation
 * pipeline renders the tools in the model's own format and generates the calls (see
 * core/engine/toolCallDriver.ts). Here: OpenAI's `tools` / `tool_choice` / `parallel_tool_calls`
 * in the pipeline's terms, and the calls back in OpenAI's shape.
 */

/** A function call in OpenAI's shape (`arguments` is a JSON string). */
export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

type ToolFields = Pick<GenerationRequest, 'tools' | 'toolChoice' | 'parallelToolCalls'>;

/**
 * The tool fields of a chat completion. Mistakes are named in OpenAI's words (`tool_choice`,
 * `tools[1].function.name`) before the pipeline sees them.
 */
export function toolFields(request: {
  tools?: ToolBody[] | null | undefined;
  tool_choice?: ChatCompletionBody['tool_choice'];
  parallel_tool_calls?: boolean | null | undefined;
  response_format?: { type: string } | null | undefined;
}): ToolFields {
  const bodies = request.tools ?? [];
  const choice = request.tool_choice ?? undefined;
  if (bodies.length === 0) {
    if (choice !== undefined && choice !== 'none' && choice !== 'auto') throw badRequest("'tool_choice' asks for a tool call, but 'tools' is empty.", 'tool_choice');
    return {};
  }
  const names = new Set<string>();
  const tools = bodies.map((body, i): Tool => {
    if (names.has(body.function.name)) throw badRequest(`Two tools are named '${body.function.name}'.`, `tools[${i}].function.name`);
    names.add(body.function.name);
    return toTool(body);
  });
  let toolChoice: NonNullable<ToolFields['toolChoice']> | undefined;
  if (typeof choice === 'object') {
    const name = choice.function.name;
    if (!names.has(name)) throw badRequest(`'tool_choice' names '${name.slice(0, 64)}', which is not in 'tools'.`, 'tool_choice');
    toolChoice = { name };
  } else toolChoice = choice;
  const forced = toolChoice !== undefined && toolChoice !== 'auto' && toolChoice !== 'none';
  if (forced && request.response_format && request.response_format.type !== 'text') {
    throw badRequest("'response_format' cannot be combined with a required tool call ('tool_choice').", 'response_format');
  }
  return {
    tools,
    ...(toolChoice !== undefined ? { toolChoice } : {}),
    ...(request.parallel_tool_calls != null ? { parallelToolCalls: request.parallel_tool_calls } : {}),
  };
}

/** Whether the reply must be a call (the stream's first chunk then says `content: null`). */
export function callRequired(fields: ToolFields): boolean {
  return fields.toolChoice !== undefined && fields.toolChoice !== 'auto' && fields.toolChoice !== 'none';
}

function toTool(body: ToolBody): Tool {
  const { name, description, parameters } = body.function;
  return { name, ...(description ? { description } : {}), ...(parameters ? { parameters } : {}) };
}

/** The calls of a reply in OpenAI's shape; undefined when it made none. */
export function openAiToolCalls(calls: ToolCall[] | undefined): OpenAiToolCall[] | undefined {
  if (!calls || calls.length === 0) return undefined;
  return calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
}

/**
 * One streamed piece of a call as OpenAI's `delta.tool_calls` entry: the opening piece carries the
 * id, type and name (with empty arguments), the later ones only their part of the arguments.
 */
export function toolCallDelta(event: Extract<ChatChunk, { type: 'toolCall' }>): Record<string, unknown> {
  if (event.argumentsDelta === '') return { index: event.index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } };
  return { index: event.index, function: { arguments: event.argumentsDelta } };
}
