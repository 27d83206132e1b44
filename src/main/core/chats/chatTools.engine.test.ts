import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatDetail, ToolCallPending } from '../../../shared/chatDto';
import type { ChatArgs, ChatResult, ToolChoice } from '../../../shared/dto';
import { fixtureModel } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import { EventBus } from '../events/eventBus';
import { silentLogger } from '../logging/logger';
import { everythingServer } from '../mcp/mcpTestServers';
import type { ChatGenerate } from './replyPrompt';
import { parseConversation } from './chatFile';
import { ChatService } from './chatService';
import { DENIED_TEXT, STOPPED_TEXT } from './chatTools';

// Chat replies calling a real MCP server (the reference "everything" server over stdio) through a
// real engine on a generated model. Its text is gibberish, so the call is FORCED: the chat's
// `generate` is the core's `inference.chat` with, on the rounds a test chooses, `toolChoice` naming
// the tool (the product path leaves it `auto`). It also gives the tools tight argument schemas, so
// the random model's arguments stay short and the slow tool runs 60 s; what is called is unchanged.
const MODEL_ID = 'hearth-smollm2-135m-q4_0.gguf';
const ECHO = 'everything__echo';
const SLOW = 'everything__trigger-long-running-operation';
const TIGHT: Record<string, Record<string, unknown>> = {
  [ECHO]: { type: 'object', properties: { message: { type: 'string', maxLength: 8 } }, required: ['message'] },
  [SLOW]: { type: 'object', properties: { duration: { enum: [60] }, steps: { enum: [2] } }, required: ['duration', 'steps'] },
};

let env: Awaited<ReturnType<typeof createTestCore>>;
let chatsDir: string;
let service: ChatService;
/** Every request the chat made to the engine, in order. */
let requests: ChatArgs[];
/** The tool forced: on the first round of a reply only, or on every round. */
let force: { tool: string; every?: boolean } | null;
/** What a waiting call gets, and the calls that waited. */
let decide: ((pending: ToolCallPending) => 'once' | 'alwaysTool' | 'alwaysServer' | 'deny' | null) | null;
let pendings: ToolCallPending[];

const generate: ChatGenerate = async (args, caller): Promise<ChatResult> => {
  requests.push(structuredClone(args));
  const first = args.messages.at(-1)?.role === 'user';
  const tools = args.tools?.map((tool) => ({ ...tool, parameters: TIGHT[tool.name] ?? tool.parameters }));
  const choice: ToolChoice = force && (first || force.every) ? { name: force.tool } : 'none';
  const request = { ...args, params: { ...args.params, temperature: 0, maxTokens: force && (first || force.every) ? 64 : 6 }, ...(tools ? { tools, toolChoice: choice } : {}) };
  return (await env.core.dispatch('inference.chat', request, caller)) as ChatResult;
};

async function open(extra: { maxToolRounds?: number } = {}, dataDir = chatsDir): Promise<ChatService> {
  const events = new EventBus();
  const opened = await ChatService.open({
    dataDir,
    generate,
    residentModel: (id) => env.core.fleet.resident(id),
    primaryModelId: () => env.core.fleet.primary?.modelId ?? null,
    events,
    logger: silentLogger,
    mcp: env.core.mcp,
    ...extra,
  });
  events.subscribe((name, payload) => {
    if (name !== 'chats.toolCallPending') return;
    const pending = payload as ToolCallPending;
    pendings.push(pending);
    const decision = decide?.(pending);
    if (decision) void opened.decideToolCall({ chatId: pending.chatId, messageId: pending.messageId, callId: pending.callId, decision });
  });
  return opened;
}

async function chatWith(tools: string[]): Promise<ChatDetail> {
  const chat = await service.create({});
  return service.setTools({ chatId: chat.id, sources: [{ server: 'everything', tools }] });
}

const send = (chatId: string, content = 'hi') => service.send({ chatId, content }, { signal: new AbortController().signal, emit: () => {} });

beforeAll(async () => {
  env = await createTestCore();
  chatsDir = await mkdtemp(join(tmpdir(), 'hearth-chat-tools-'));
  await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' }), join(env.modelsDir, MODEL_ID));
  await env.core.dispatch('inference.loadModel', { modelId: MODEL_ID, contextSize: 2048 });
  const { command, args } = everythingServer();
  await env.core.mcp.saveServer({ name: 'everything', server: { transport: 'stdio', command, args, env: {} } });
  service = await open();
}, 180_000);
afterAll(async () => {
  await service?.dispose();
  await env?.cleanup();
  await rm(chatsDir, { recursive: true, force: true });
});
beforeEach(() => {
  requests = [];
  force = null;
  decide = null;
  pendings = [];
});

describe('MCP tools in chat replies', () => {
  it('a call waits for the decision, reaches the server, and its result lands in the next prompt; all of it is saved and exported', async () => {
    const chat = await chatWith(['echo']);
    expect(chat.toolSources).toEqual([{ server: 'everything', tools: ['echo'] }]);
    force = { tool: ECHO };
    let seenWaiting: ChatDetail | undefined;
    decide = (pending) => {
      seenWaiting = service.get(pending.chatId);
      return 'once';
    };
    const { message } = await send(chat.id);

    expect(pendings).toHaveLength(1);
    const call = message.toolRounds![0]!.calls[0]!;
    expect(pendings[0]).toEqual({ chatId: chat.id, messageId: message.id, callId: call.id, server: 'everything', tool: 'echo', arguments: JSON.stringify(JSON.parse(call.arguments), null, 2) });
    expect(seenWaiting?.pendingToolCalls).toEqual(pendings);
    expect(service.get(chat.id).pendingToolCalls).toEqual([]);
    const sent = (JSON.parse(call.arguments) as { message: string }).message;
    expect(call).toMatchObject({ name: ECHO, server: 'everything', tool: 'echo', decision: 'once', result: { content: `Echo: ${sent}`, isError: false, truncated: false } });
    expect(message.reply).toMatchObject({ status: 'done' });
    expect(message.reply!.notice).toBeUndefined();

    // Round 1 offered the tool; round 2 read the call and its result.
    expect(requests).toHaveLength(2);
    expect(requests[0]!.tools!.map((tool) => tool.name)).toEqual([ECHO]);
    expect(requests[1]!.messages.slice(-2)).toEqual([
      { role: 'assistant', content: expect.any(String), toolCalls: [{ id: call.id, name: ECHO, arguments: call.arguments }] },
      { role: 'tool', toolCallId: call.id, content: `Echo: ${sent}` },
    ]);

    const stored = parseConversation(await readFile(join(chatsDir, 'chats', `${chat.id}.json`), 'utf8'));
    expect(stored.messages.at(-1)).toEqual(message);
    expect(stored.toolSources).toEqual(chat.toolSources);
    const markdown = service.export(chat.id, 'markdown').text;
    expect(markdown).toContain('**Tool call:** `echo` on MCP server `everything` · allowed');
    expect(markdown).toContain(`Echo: ${sent}`);
    expect(service.export(chat.id, 'json').text).toContain(`"toolRounds"`);

    // The next reply reads the earlier one's call and result too.
    force = null;
    await send(chat.id, 'and now?');
    expect(requests.at(-1)!.messages).toEqual(expect.arrayContaining([{ role: 'tool', toolCallId: call.id, content: `Echo: ${sent}` }]));
  }, 180_000);

  it('Deny feeds a refusal back to the model instead of a result', async () => {
    const chat = await chatWith(['echo']);
    force = { tool: ECHO };
    decide = () => 'deny';
    const { message } = await send(chat.id);
    const call = message.toolRounds![0]!.calls[0]!;
    expect(call).toMatchObject({ decision: 'deny', result: { content: DENIED_TEXT, isError: true } });
    expect(requests[1]!.messages.at(-1)).toEqual({ role: 'tool', toolCallId: call.id, content: DENIED_TEXT });
    expect(message.reply!.status).toBe('done');
  }, 180_000);

  it('Always allow this tool skips the question next time, in any chat, until it is revoked', async () => {
    const chat = await chatWith(['echo']);
    force = { tool: ECHO };
    decide = () => 'alwaysTool';
    await send(chat.id);
    expect(pendings).toHaveLength(1);
    await expect(service.listToolApprovals()).resolves.toEqual({ servers: [], tools: [{ server: 'everything', tool: 'echo' }] });

    const other = await chatWith(['echo']);
    const { message } = await send(other.id);
    expect(pendings).toHaveLength(1);
    expect(message.toolRounds![0]!.calls[0]).toMatchObject({ decision: 'remembered', result: { isError: false, content: expect.stringMatching(/^Echo: /) } });

    await expect(service.revokeToolApproval({ server: 'everything', tool: 'echo' })).resolves.toEqual({ servers: [], tools: [] });
    decide = () => 'once';
    await send(other.id, 'again');
    expect(pendings).toHaveLength(2);
  }, 240_000);

  it('Stop cancels a slow call and ends the reply, stopped; the server stays usable', async () => {
    const chat = await chatWith(['trigger-long-running-operation']);
    force = { tool: SLOW };
    decide = () => 'once';
    const pending = send(chat.id);
    // Stopped once the call runs (it was allowed and saved as such).
    for (let i = 0; i < 600 && service.get(chat.id).messages.at(-1)?.toolRounds?.[0]?.calls[0]?.decision !== 'once'; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_000));
    await service.stop(chat.id);
    const { message } = await pending;
    expect(message.reply).toMatchObject({ status: 'stopped', stopReason: 'abort' });
    expect(message.toolRounds![0]!.calls[0]!.result).toEqual({ content: STOPPED_TEXT, isError: true, truncated: false });
    // No round after the stop.
    expect(requests).toHaveLength(1);
    await expect(env.core.mcp.callTool('everything', 'echo', { message: 'after' })).resolves.toMatchObject({ content: 'Echo: after' });
  }, 120_000);

  it('a server that crashes mid-call gives a clear error result, and the reply goes on', async () => {
    const chat = await chatWith(['trigger-long-running-operation']);
    force = { tool: SLOW };
    decide = () => 'once';
    const pending = send(chat.id);
    for (let i = 0; i < 600 && service.get(chat.id).messages.at(-1)?.toolRounds?.[0]?.calls[0]?.decision !== 'once'; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_000));
    process.kill(env.core.mcp.processId('everything')!, 'SIGKILL');
    const { message } = await pending;
    const result = message.toolRounds![0]!.calls[0]!.result!;
    expect(result.isError).toBe(true);
    expect(result.content).toContain('MCP server "everything", tool "trigger-long-running-operation": the server stopped during the call');
    expect(message.reply!.status).toBe('done');
    expect(requests).toHaveLength(2);
    expect(requests[1]!.messages.at(-1)).toMatchObject({ role: 'tool', content: result.content });
  }, 120_000);

  it('Tool use "required" asks the first round of each reply for a call, later rounds "auto"; it is kept with the chat', async () => {
    const chat = await chatWith(['echo']);
    expect(chat.toolUse).toBeUndefined();
    const set = await service.setTools({ chatId: chat.id, sources: [{ server: 'everything', tools: ['echo'] }], toolUse: 'required' });
    expect(set.toolUse).toBe('required');
    // Changing the sources alone keeps the choice.
    await service.setTools({ chatId: chat.id, sources: [{ server: 'everything' }] });
    expect(service.get(chat.id).toolUse).toBe('required');
    await service.setTools({ chatId: chat.id, sources: [{ server: 'everything', tools: ['echo'] }] });
    const stored = parseConversation(await readFile(join(chatsDir, 'chats', `${chat.id}.json`), 'utf8'));
    expect(stored.toolUse).toBe('required');

    force = { tool: ECHO };
    decide = () => 'once';
    await send(chat.id);
    expect(requests.map((request) => request.toolChoice)).toEqual(['required', 'auto']);
    // Each reply's first round again.
    requests = [];
    await send(chat.id, 'once more');
    expect(requests[0]!.toolChoice).toBe('required');
    expect(requests.slice(1).every((request) => request.toolChoice === 'auto')).toBe(true);

    const auto = await service.setTools({ chatId: chat.id, sources: [{ server: 'everything', tools: ['echo'] }], toolUse: 'auto' });
    expect(auto.toolUse).toBeUndefined();
    requests = [];
    force = null;
    await send(chat.id, 'and now?');
    expect(requests.map((request) => request.toolChoice)).toEqual(['auto']);
  }, 240_000);

  it('a server that cannot start is named in the notice, and the chat answers without it', async () => {
    await env.core.mcp.saveServer({ name: 'ghost', server: { transport: 'stdio', command: 'hearth-no-such-mcp-server', args: [], env: {} } });
    const chat = await service.create({});
    await service.setTools({ chatId: chat.id, sources: [{ server: 'ghost' }] });
    const { message } = await send(chat.id);
    expect(message.reply).toMatchObject({ status: 'done' });
    expect(message.reply!.notice).toContain('The tools of MCP server "ghost" are not available: ');
    expect(message.reply!.notice).toContain('command not found: hearth-no-such-mcp-server');
    expect(requests[0]!.tools).toBeUndefined();
  }, 120_000);

  it('stops after the cap on tool rounds with a notice; the calls past it are not run', async () => {
    const capped = await open({ maxToolRounds: 1 }, join(chatsDir, 'capped'));
    try {
      const chat = await capped.create({});
      await capped.setTools({ chatId: chat.id, sources: [{ server: 'everything', tools: ['echo'] }] });
      force = { tool: ECHO, every: true };
      decide = () => 'once';
      const { message } = await capped.send({ chatId: chat.id, content: 'loop' }, { signal: new AbortController().signal, emit: () => {} });
      expect(message.toolRounds).toHaveLength(2);
      expect(message.toolRounds![0]!.calls[0]!.result).toMatchObject({ isError: false });
      expect(message.toolRounds![1]!.calls[0]!.result).toMatchObject({ isError: true, content: expect.stringContaining('Not run') });
      expect(message.reply!.notice).toMatch(/^Stopped after 1 round of tool calls/);
      expect(requests).toHaveLength(2);
    } finally {
      await capped.dispose();
    }
  }, 180_000);
});
