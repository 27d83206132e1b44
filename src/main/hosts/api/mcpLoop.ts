import { z } from 'zod';
import type { ChatMessage, ToolCall } from '../../../shared/dto';
import type { GenerationOutcome, GenerationRequest } from '../../../shared/generation';
import { MAX_TOOL_ROUNDS, offerChatTools, runCall, storedCall } from '../../core/chats/chatTools';
import type { OfferedTool } from '../../core/mcp/offeredTools';
import type { ApiContext } from './apiContext';
import type { GenerationRunner } from './generationResponse';
import { ApiError, badRequest } from './openaiErrors';
import { parseBody, type ToolBody } from './openaiSchemas';

/**
 * MCP tools offered to an API client, opt-in per request (`"mcp": ["server", …]`, as LM Studio's
 * `integrations`), only when the server has an API key: whoever holds the key asked for the tools,
 * so Hearth runs them without the chat's approval prompt. The loop runs here, server-side: each
 * round is one generation through the pipeline; calls to MCP tools are run and answered and the
 * model generates again, up to {@link MAX_TOOL_ROUNDS} rounds; a call to one of the client's own
 * tools ends the loop and goes back to the client as usual.
 */

/** Most servers one request may name. */
export const MAX_MCP_SERVERS = 16;

/** A server by name, or `{server, tools}` to offer only some of its tools. */
const mcpSourceSchema = z.union([
  z.string().min(1).max(200),
  z.object({ server: z.string().min(1).max(200), tools: z.array(z.string().min(1).max(200)).min(1).max(256).optional() }).strict(),
]);
const mcpFieldSchema = z.looseObject({ mcp: z.array(mcpSourceSchema).min(1).max(MAX_MCP_SERVERS) });

/** Between the text of two rounds (the text a model writes before its calls, then its answer). */
const ROUND_SEPARATOR = '\n\n';

/** One MCP call Hearth ran for the request, as reported in the answer's `hearth.mcp_calls`. */
export interface McpCallReport {
  id: string;
  server: string;
  tool: string;
  /** As the model wrote them (a JSON string, as OpenAI's `arguments`). */
  arguments: string;
  /** What the model read: the result as text, size-capped. */
  output: string;
  is_error: boolean;
  truncated: boolean;
}

/** The MCP tools of one request: the offered tools, and the same as `tools` entries of an OpenAI body. */
export interface ApiMcpTools {
  offered: OfferedTool[];
  bodies: ToolBody[];
}

/**
 * The tools of the servers named in `body.mcp`, or undefined when the request names none.
 * Refused with 403 when the server has no API key, 400 naming an unknown or switched-off server
 * (or tool), 502 when a server cannot start.
 */
export async function requestMcpTools(ctx: ApiContext, body: Record<string, unknown>): Promise<ApiMcpTools | undefined> {
  if (body.mcp === undefined || body.mcp === null) return undefined;
  const sources = parseBody(mcpFieldSchema, body).mcp.map((source) => (typeof source === 'string' ? { server: source } : source));
  if (!ctx.apiKeySet) {
    throw new ApiError(403, 'invalid_request_error', 'MCP tools over the API need an API key: set one in Settings → Server.', 'mcp', 'mcp_needs_api_key', undefined, 'UNAUTHORIZED');
  }
  const overview = await ctx.core.mcp.listServers();
  if (overview.configError) throw badRequest(`MCP tools are not available: ${overview.configPath} is invalid (${overview.configError}).`, 'mcp', 'mcp_config_invalid');
  for (const [index, { server }] of sources.entries()) {
    const info = overview.servers.find((s) => s.name === server);
    if (!info) throw badRequest(`There is no MCP server named '${server.slice(0, 200)}'.`, `mcp[${index}]`, 'mcp_server_not_found');
    if (!info.enabled) throw badRequest(`MCP server '${server}' is turned off; turn it on in Settings → MCP servers.`, `mcp[${index}]`, 'mcp_server_disabled');
  }
  const { tools, failures } = await offerChatTools(ctx.core.mcp, sources);
  const failed = failures[0];
  if (failed) throw new ApiError(502, 'server_error', `The tools of MCP server '${failed.server}' are not available: ${failed.reason}`, 'mcp', 'mcp_server_unavailable', undefined, 'NETWORK');
  for (const [index, source] of sources.entries()) {
    const missing = source.tools?.find((name) => !tools.some((tool) => tool.server === source.server && tool.tool === name));
    if (missing !== undefined) throw badRequest(`MCP server '${source.server}' has no tool named '${missing.slice(0, 200)}'.`, `mcp[${index}].tools`, 'mcp_tool_not_found');
  }
  const bodies = tools.map((tool): ToolBody => ({ type: 'function', function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), parameters: tool.parameters } }));
  return { offered: tools, bodies };
}

/**
 * The runner of a request with MCP tools (for `answerGeneration`), and the `hearth` extension of
 * its answer: the MCP calls run, and whether the round cap was reached. A forced `tool_choice`
 * (`required`, or a named tool) holds for the first round only; later rounds are `auto`, so a
 * forced MCP tool runs once and the model then answers (as OpenAI's Agents SDK resets it, which
 * would otherwise loop to the cap). After `maxRounds` rounds of calls the model answers once more
 * with `tool_choice: none`, so a reply always ends in text (or the client's own calls).
 */
export function mcpToolLoop(ctx: ApiContext, offered: OfferedTool[], maxRounds = MAX_TOOL_ROUNDS): { run: GenerationRunner; extra: () => Record<string, unknown> } {
  const calls: McpCallReport[] = [];
  let capped = false;
  const isMcp = (name: string) => offered.some((tool) => tool.name === name);

  const run: GenerationRunner = async (request, caller) => {
    let messages: ChatMessage[] = request.messages ?? [];
    const texts: string[] = [];
    const usage = { promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, totalTokens: 0 };
    for (let round = 0; ; round++) {
      const last = round >= maxRounds;
      // This round's calls by their index: the index the client sees, or null for an MCP call (never streamed).
      const clientIndex = new Map<number, number | null>();
      let clientCalls = 0;
      let wroteText = false;
      const roundRequest = { ...request, messages, ...(round > 0 && request.requestId ? { requestId: `${request.requestId}-${round}` } : {}), ...choiceOf(request.toolChoice, round, last) };
      const outcome = await ctx.core.generation.run(roundRequest, ctx.models, {
        signal: caller.signal,
        emit: (event) => {
          if (event.type === 'toolCall') {
            if (!clientIndex.has(event.index)) clientIndex.set(event.index, isMcp(event.name) ? null : clientCalls++);
            const index = clientIndex.get(event.index);
            if (index !== null && index !== undefined) caller.emit({ ...event, index });
            return;
          }
          if (event.type === 'tokens' && event.text !== '' && !wroteText) {
            wroteText = true;
            if (texts.some((text) => text !== '')) caller.emit({ type: 'tokens', text: ROUND_SEPARATOR, tokenCount: 0 });
          }
          caller.emit(event);
        },
      });
      for (const key of Object.keys(usage) as (keyof typeof usage)[]) usage[key] += outcome.usage[key];
      texts.push(outcome.text);
      const own = (outcome.toolCalls ?? []).filter((call) => !isMcp(call.name));
      const mcp = (outcome.toolCalls ?? []).filter((call) => isMcp(call.name));
      capped ||= last;
      // A call to the client's own tools ends the loop: the client runs it (the MCP calls of that round are not run).
      if (outcome.finishReason === 'aborted' || own.length > 0 || mcp.length === 0) return combined(outcome, texts, usage, own);
      const answers: ChatMessage[] = [];
      for (const call of mcp) {
        const stored = storedCall(call, offered);
        const result = await runCall(stored, ctx.core.mcp, caller.signal);
        if (caller.signal.aborted) return { ...combined(outcome, texts, usage, []), finishReason: 'aborted' };
        calls.push({ id: call.id, server: stored.server, tool: stored.tool, arguments: call.arguments, output: result.content, is_error: result.isError, truncated: result.truncated });
        answers.push({ role: 'tool', toolCallId: call.id, content: result.content });
      }
      messages = [...messages, { role: 'assistant', content: outcome.text, toolCalls: mcp }, ...answers];
    }
  };
  return { run, extra: () => ({ hearth: { mcp_calls: calls, ...(capped ? { mcp_round_cap_reached: true } : {}) } }) };
}

/** The tool choice of a round: as asked on the first, `auto` after a forced one, `none` once the cap is reached. */
function choiceOf(asked: GenerationRequest['toolChoice'], round: number, last: boolean): Pick<GenerationRequest, 'toolChoice'> {
  if (last) return { toolChoice: 'none' };
  if (round > 0 && asked !== undefined && asked !== 'none') return { toolChoice: 'auto' };
  return asked !== undefined ? { toolChoice: asked } : {};
}

/** The reply of all rounds: their text joined, the usage summed, the client's calls (if any) as the calls. */
function combined(outcome: GenerationOutcome, texts: string[], usage: GenerationOutcome['usage'], own: ToolCall[]): GenerationOutcome {
  const finishReason = own.length > 0 ? 'toolCalls' : outcome.finishReason === 'toolCalls' ? 'stop' : outcome.finishReason;
  const { toolCalls: _all, ...rest } = outcome;
  return { ...rest, text: texts.filter((text) => text !== '').join(ROUND_SEPARATOR), usage, finishReason, ...(own.length > 0 ? { toolCalls: own } : {}) };
}
