import { LlamaText, type ChatHistoryItem, type ChatModelFunctionCall, type ChatModelFunctions } from 'node-llama-cpp';
import type { ChatMessage, Tool } from '../../../shared/dto';
import { AppError } from '../../../shared/errors';
import type { ToolRequest } from './protocol';
import type { ToolFormat } from './toolFormat';

/**
 * A conversation with tool calls and results as node-llama-cpp's chat history. In the model's own
 * format (`format.native`) a call and its result are one `functionCall` item of the assistant's
 * turn, which the wrapper renders the way the model was trained (Qwen's `<tool_response>` in a
 * user turn, Llama 3.1's `ipython` turn, …). In the generic format they are text: the call as
 * its JSON, the result as a user turn that names the call.
 *
 * Each `tool` message must answer a call made earlier in the conversation, and every call of an
 * assistant turn must be answered before the next user or assistant turn (as OpenAI requires):
 * a result attached to the wrong call would silently change what the model reads.
 */
export function toolChatHistory(messages: ChatMessage[], format: ToolFormat | undefined): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const open = new Map<string, { call: ChatModelFunctionCall | undefined; name: string }>();
  const unanswered = (at: number) => {
    if (open.size === 0) return;
    const [id] = open.keys();
    throw new AppError('BAD_REQUEST', `Tool call "${clip(id!)}" has no result before messages[${at}]: send a tool message with its toolCallId after the assistant message that made it.`);
  };
  messages.forEach((message, at) => {
    if (message.role === 'tool') {
      const pending = open.get(message.toolCallId!);
      if (!pending) throw new AppError('BAD_REQUEST', `messages[${at}] answers tool call "${clip(message.toolCallId!)}", which no earlier assistant message made (or it was answered already).`);
      open.delete(message.toolCallId!);
      if (pending.call) pending.call.result = resultValue(message.content);
      else history.push({ type: 'user', text: `Result of ${pending.name} (${message.toolCallId}): ${message.content}` });
      return;
    }
    unanswered(at);
    if (message.role === 'system') history.push({ type: 'system', text: message.content });
    else if (message.role === 'user') history.push({ type: 'user', text: message.content });
    else {
      const response: Array<string | ChatModelFunctionCall> = message.content ? [message.content] : [];
      for (const call of message.toolCalls ?? []) {
        if (format?.native) {
          const item: ChatModelFunctionCall = { type: 'functionCall', name: call.name, params: paramsValue(call.arguments), result: undefined };
          response.push(item);
          open.set(call.id, { call: item, name: call.name });
        } else {
          response.push(`${response.length > 0 ? '\n' : ''}{"name":${JSON.stringify(call.name)},"arguments":${call.arguments || '{}'}}`);
          open.set(call.id, { call: undefined, name: call.name });
        }
      }
      history.push({ type: 'model', response });
    }
  });
  unanswered(messages.length);
  return history;
}

/** The tools as node-llama-cpp documents them to the model (only in the model's own format). */
export function availableFunctions(tools: Tool[]): ChatModelFunctions {
  const functions: Record<string, { description?: string; params?: unknown }> = {};
  for (const tool of tools) {
    functions[tool.name] = {
      ...(tool.description ? { description: tool.description } : {}),
      ...(tool.parameters ? { params: tool.parameters } : {}),
    };
  }
  return functions as ChatModelFunctions;
}

/**
 * The system text that describes the tools in the generic format; `only`: the one the model must
 * call. Terse on purpose: it is part of every prompt and counts against the context.
 */
export function describeTools(request: ToolRequest): string {
  const lines = ['Tools:'];
  for (const tool of request.tools) {
    const description = tool.description ? ` (${tool.description})` : '';
    lines.push(`${tool.name}${description}, arguments schema: ${JSON.stringify(tool.parameters ?? { type: 'object', properties: {} })}`);
  }
  lines.push('To call a tool, reply only with JSON: {"name":"<tool>","arguments":{...}}');
  if (request.choice === 'required') lines.push('Call one now.');
  else if (typeof request.choice === 'object') lines.push(`Call ${request.choice.name} now.`);
  else lines.push('Otherwise reply in text.');
  return lines.join('\n');
}

/** Adds `text` to the first system turn, or puts a system turn first (some templates allow only one, at the start). */
export function withSystemText(history: ChatHistoryItem[], text: string): ChatHistoryItem[] {
  const first = history[0];
  if (first?.type === 'system' && typeof first.text === 'string') return [{ type: 'system', text: first.text ? `${first.text}\n\n${text}` : text }, ...history.slice(1)];
  return [{ type: 'system', text }, ...history];
}

/**
 * What is written into the reply before the model generates anything when a call is required:
 * the call's opening, and with a named tool its name and the arguments' opening too, so the
 * model spends its tokens on the arguments alone.
 */
export function forcedPrefill(format: ToolFormat, request: ToolRequest): LlamaText | undefined {
  if (request.choice === 'auto') return undefined;
  const only = typeof request.choice === 'object' ? request.choice.name : request.tools.length === 1 ? request.tools[0]!.name : undefined;
  const opening = LlamaText([format.sectionPrefix, format.callPrefix]);
  return only === undefined ? opening : LlamaText([opening, only, format.paramsPrefix(only)]);
}

/** A call's arguments as node-llama-cpp renders them again (JSON); text that is not JSON stays text. */
function paramsValue(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A tool's result as the wrapper writes it: JSON results as JSON, other text as a JSON string. */
function resultValue(content: string): unknown {
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return content;
  }
}

function clip(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 79)}…`;
}
