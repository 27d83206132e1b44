import type { ChatMessageNode, ChatToolCall, ChatToolSource, ToolCallDecision, ToolCallPending, ToolCallResult } from '../../../shared/chatDto';
import type { ChatMessage, Tool, ToolCall } from '../../../shared/dto';
import type { McpToolResult } from '../../../shared/mcpDto';
import { AppError } from '../../../shared/errors';
import type { OfferedTool } from '../mcp/offeredTools';
import type { ToolApprovalStore } from './toolApprovals';

/**
 * MCP tools in chat replies: which tools a chat offers, how a call the model made is let through
 * (remembered approval, else the user's decision), run and answered, and how the calls and results
 * of earlier rounds are given back to the model.
 */

/** Most rounds of tool calls one reply runs; a model still calling after that is stopped with a notice. */
export const MAX_TOOL_ROUNDS = 8;

/** What the model reads when the user denied a call. */
export const DENIED_TEXT = 'The user denied this tool call. Do not call it again for this request; answer without it.';
/** What the model reads for a call cut short by Stop (the reply ends there). */
export const STOPPED_TEXT = 'The call was cancelled: the user stopped the reply.';

/** What chats need of the MCP host (`McpService`). */
export interface ChatToolHost {
  offerTools(servers: string[]): Promise<{ tools: OfferedTool[]; failures: { server: string; reason: string }[] }>;
  callTool(server: string, tool: string, args: Record<string, unknown>, options: { signal?: AbortSignal }): Promise<McpToolResult>;
}

/** The tools a chat's sources offer (a server's tools filtered to the ones named), and the servers that failed. */
export async function offerChatTools(host: ChatToolHost, sources: ChatToolSource[]): Promise<{ tools: OfferedTool[]; failures: { server: string; reason: string }[] }> {
  if (sources.length === 0) return { tools: [], failures: [] };
  const offered = await host.offerTools(sources.map((source) => source.server));
  const tools = offered.tools.filter((tool) => {
    const source = sources.find((s) => s.server === tool.server);
    return source !== undefined && (source.tools === undefined || source.tools.includes(tool.tool));
  });
  return { tools, failures: offered.failures };
}

/** The offered tools as a generation request takes them. */
export function requestTools(tools: OfferedTool[]): Tool[] {
  return tools.map((tool) => ({ name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.parameters }));
}

/** One stored message as the model reads it: each tool round (its calls, then one `tool` turn per call), then the final text. */
export function nodeMessages(node: ChatMessageNode): ChatMessage[] {
  if (!node.toolRounds?.length) return [{ role: node.role, content: node.content }];
  const out: ChatMessage[] = [];
  for (const round of node.toolRounds) {
    if (round.calls.length === 0) continue;
    out.push({ role: 'assistant', content: round.content, toolCalls: round.calls.map((call) => ({ id: call.id, name: call.name, arguments: call.arguments })) });
    for (const call of round.calls) out.push({ role: 'tool', toolCallId: call.id, content: call.result?.content ?? STOPPED_TEXT });
  }
  if (node.content) out.push({ role: 'assistant', content: node.content });
  return out;
}

/** A call as stored, mapped back to its server and tool (empty when the model named a tool not offered). */
export function storedCall(call: ToolCall, offered: OfferedTool[]): ChatToolCall {
  const tool = offered.find((t) => t.name === call.name);
  return { id: call.id, name: call.name, arguments: call.arguments, server: tool?.server ?? '', tool: tool?.tool ?? '' };
}

/** The arguments as indented JSON for people; as written when they do not parse. */
export function formatArguments(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

type Decision = Exclude<ToolCallDecision, 'remembered'>;

/** Calls waiting for the user's decision, by chat, message and call id. */
export class ToolCallGate {
  private readonly waiting = new Map<string, { resolve: (decision: Decision | 'stopped') => void; pending: ToolCallPending }>();

  /** Waits for `decide` on this call; `stopped` when the signal aborts first. */
  wait(pending: ToolCallPending, signal: AbortSignal): Promise<Decision | 'stopped'> {
    const key = keyOf(pending.chatId, pending.messageId, pending.callId);
    return new Promise((resolve) => {
      if (signal.aborted) return resolve('stopped');
      const onAbort = () => finish('stopped');
      const finish = (decision: Decision | 'stopped') => {
        this.waiting.delete(key);
        signal.removeEventListener('abort', onAbort);
        resolve(decision);
      };
      this.waiting.set(key, { resolve: finish, pending });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Answers a waiting call; NOT_FOUND when none waits under these ids (decided already, or the reply ended). */
  decide(chatId: string, messageId: string, callId: string, decision: Decision): void {
    const entry = this.waiting.get(keyOf(chatId, messageId, callId));
    if (!entry) throw new AppError('NOT_FOUND', 'That tool call is not waiting for a decision (it was decided already, or its reply ended).');
    entry.resolve(decision);
  }

  /** The calls of a chat waiting now (for a window that opens the chat mid-reply). */
  pendingIn(chatId: string): ToolCallPending[] {
    return [...this.waiting.values()].filter((entry) => entry.pending.chatId === chatId).map((entry) => entry.pending);
  }
}

function keyOf(chatId: string, messageId: string, callId: string): string {
  return JSON.stringify([chatId, messageId, callId]);
}

export interface ToolRunDeps {
  host: ChatToolHost;
  approvals: ToolApprovalStore;
  gate: ToolCallGate;
  /** Tells every window a call waits for a decision (`chats.toolCallPending`). */
  announce(pending: ToolCallPending): void;
  /** Saves the conversation (a call waiting, then its result). */
  persist(): Promise<void>;
}

/**
 * Lets one call through or not and answers it: a remembered approval runs it at once, else the
 * user decides (Deny answers with a refusal). A failed call (a crashed server, a timeout) is
 * answered with its error, so the model can go on. Resolves false when Stop ended the wait or
 * the call (the call is then answered with {@link STOPPED_TEXT}).
 */
export async function answerCall(call: ChatToolCall, at: { chatId: string; messageId: string }, deps: ToolRunDeps, signal: AbortSignal): Promise<boolean> {
  if (!call.server) {
    call.result = { content: `There is no tool named "${call.name}".`, isError: true, truncated: false };
    return true;
  }
  if (await deps.approvals.allows(call.server, call.tool)) call.decision = 'remembered';
  else {
    const pending: ToolCallPending = { ...at, callId: call.id, server: call.server, tool: call.tool, arguments: formatArguments(call.arguments) };
    // Waiting before the save: a window that reads the chat on its change notice sees the call pending.
    const waited = deps.gate.wait(pending, signal);
    await deps.persist();
    deps.announce(pending);
    const decision = await waited;
    if (decision === 'stopped') {
      call.result = { content: STOPPED_TEXT, isError: true, truncated: false };
      return false;
    }
    call.decision = decision;
    if (decision === 'alwaysTool') await deps.approvals.allow(call.server, call.tool);
    if (decision === 'alwaysServer') await deps.approvals.allow(call.server);
    if (decision === 'deny') {
      call.result = { content: DENIED_TEXT, isError: true, truncated: false };
      return true;
    }
  }
  await deps.persist();
  call.result = await runCall(call, deps.host, signal);
  return !signal.aborted;
}

/** Runs one call on its server: bad arguments and failures (a crash, a timeout) become error results; Stop, {@link STOPPED_TEXT}. */
export async function runCall(call: ChatToolCall, host: ChatToolHost, signal: AbortSignal): Promise<ToolCallResult> {
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    return { content: 'The arguments are not valid JSON; the tool was not called.', isError: true, truncated: false };
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return { content: 'The arguments must be a JSON object; the tool was not called.', isError: true, truncated: false };
  try {
    return await host.callTool(call.server, call.tool, args as Record<string, unknown>, { signal });
  } catch (error) {
    if (signal.aborted) return { content: STOPPED_TEXT, isError: true, truncated: false };
    return { content: `Error: ${error instanceof Error ? error.message : String(error)}`, isError: true, truncated: false };
  }
}
