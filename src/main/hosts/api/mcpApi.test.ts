import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GenerationOutcome, GenerationRequest } from '../../../shared/generation';
import { MAX_TOOL_ROUNDS } from '../../core/chats/chatTools';
import { silentLogger } from '../../core/logging/logger';
import { everythingServer } from '../../core/mcp/mcpTestServers';
import type { RunningApiServer } from '../../core/server/apiServerController';
import { fixtureModel } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import { startApiServer } from './apiServer';
import type { McpCallReport } from './mcpLoop';

// MCP tools offered through the API (`"mcp": [...]`), run by Hearth on a real MCP server (the
// reference "everything" server over stdio) with a real engine on a generated model. Its text is
// gibberish, so the call is forced with the request's own `tool_choice`; a tool without arguments
// (get-tiny-image) keeps the call short. The pipeline's `run` is spied on (still the real one) to
// see each round's request.
const MODEL = 'hearth-smollm2-135m-q4_0.gguf';
const KEY = 'mcp-test-key';
const TINY = 'everything__get-tiny-image';
const SLOW = 'everything__trigger-long-running-operation';
const forceTiny = { type: 'function', function: { name: TINY } };

let env: Awaited<ReturnType<typeof createTestCore>>;
let keyed: RunningApiServer;
let open: RunningApiServer;

interface Completion {
  choices: { message: { content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[] }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  hearth?: { mcp_calls: McpCallReport[]; mcp_round_cap_reached?: true };
  error?: { message: string; param: string | null; code: string | null };
}

function post(server: RunningApiServer, body: Record<string, unknown>, init: { key?: string; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${server.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(init.key ? { Authorization: `Bearer ${init.key}` } : {}) },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'show me the logo' }], temperature: 0, max_tokens: 24, ...body }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

async function complete(body: Record<string, unknown>): Promise<Completion> {
  const res = await post(keyed, body, { key: KEY });
  const json = (await res.json()) as Completion;
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}

/** Spies on the generation pipeline: each round's request, and (awaited) its outcome; `rewrite` changes a request before it runs. */
function spyRounds(rewrite: (request: GenerationRequest) => GenerationRequest = (r) => r) {
  const pipeline = env.core.generation;
  const real = pipeline.run.bind(pipeline);
  const requests: GenerationRequest[] = [];
  const outcomes: Promise<GenerationOutcome>[] = [];
  vi.spyOn(pipeline, 'run').mockImplementation((input, models, caller) => {
    const request = rewrite(structuredClone(input) as GenerationRequest);
    requests.push(request);
    const outcome = real(request, models, caller);
    outcomes.push(outcome);
    return outcome;
  });
  return { requests, outcomes };
}

beforeAll(async () => {
  env = await createTestCore();
  await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' }), join(env.modelsDir, MODEL));
  const { command, args } = everythingServer();
  await env.core.mcp.saveServer({ name: 'everything', server: { transport: 'stdio', command, args, env: {} } });
  await env.core.mcp.saveServer({ name: 'dormant', server: { transport: 'stdio', command, args, env: {} } });
  await env.core.mcp.setEnabled('dormant', false);
  // The whole everything server's tool list goes into the prompt: room for it.
  const options = { core: env.core, host: '127.0.0.1', port: 0, logger: silentLogger, idleUnloadMs: 0, loadDefaults: { contextSize: 4096, force: true } };
  keyed = await startApiServer({ ...options, apiKey: KEY });
  open = await startApiServer(options);
}, 180_000);
afterAll(async () => {
  await keyed?.close();
  await open?.close();
  await env?.cleanup();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('MCP tools on /v1/chat/completions', () => {
  it('is refused without an API key on the server, before any MCP server starts', async () => {
    const res = await post(open, { mcp: ['everything'], tool_choice: forceTiny });
    expect(res.status).toBe(403);
    const { error } = (await res.json()) as Completion;
    expect(error).toMatchObject({ message: 'MCP tools over the API need an API key: set one in Settings → Server.', param: 'mcp', code: 'mcp_needs_api_key' });
    expect(env.core.mcp.processId('everything')).toBeNull();
  });

  it('names an unknown or switched-off server, or a wrong field, with a 400', async () => {
    const cases: [unknown, string, RegExp][] = [
      [['everything', 'nowhere'], 'mcp[1]', /no MCP server named 'nowhere'/],
      [['dormant'], 'mcp[0]', /'dormant' is turned off/],
      [[{ server: 'everything', tools: ['no-such-tool'] }], 'mcp[0].tools', /has no tool named 'no-such-tool'/],
      ['everything', 'mcp', /Invalid 'mcp'/],
      [Array.from({ length: 17 }, () => 'everything'), 'mcp', /Invalid 'mcp'/],
    ];
    for (const [mcp, param, message] of cases) {
      const res = await post(keyed, { mcp }, { key: KEY });
      const { error } = (await res.json()) as Completion;
      expect(res.status, JSON.stringify(error)).toBe(400);
      expect(error!.param).toBe(param);
      expect(error!.message).toMatch(message);
    }
  }, 120_000);

  it('runs the forced MCP call on the server, feeds its result to the next round, and reports it', async () => {
    const { requests, outcomes } = spyRounds();
    const reply = await complete({ mcp: ['everything'], tool_choice: forceTiny });

    // Round 1 offered every tool of the server and called the forced one; round 2 (auto) answered.
    expect(requests).toHaveLength(2);
    expect(requests[0]!.tools!.map((tool) => tool.name)).toEqual(expect.arrayContaining([TINY, 'everything__echo', SLOW]));
    expect(requests[1]!.toolChoice).toBe('auto');
    const calls = reply.hearth!.mcp_calls;
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call).toMatchObject({ server: 'everything', tool: 'get-tiny-image', is_error: false, truncated: false });
    expect(JSON.parse(call.arguments)).toEqual({});
    // The server's answer, with the image described in a line instead of its base64.
    expect(call.output).toContain("Here's the image you requested:");
    expect(call.output).toMatch(/\[image image\/png, \d+ bytes, not shown\]/);
    expect(requests[1]!.messages!.slice(-2)).toEqual([
      { role: 'assistant', content: expect.any(String), toolCalls: [{ id: call.id, name: TINY, arguments: call.arguments }] },
      { role: 'tool', toolCallId: call.id, content: call.output },
    ]);
    expect(reply.hearth!.mcp_round_cap_reached).toBeUndefined();

    // The answer is the model's text, not a call; the usage counts both rounds.
    const [first, second] = await Promise.all(outcomes);
    const choice = reply.choices[0]!;
    expect(choice.message.tool_calls).toBeUndefined();
    expect(choice.finish_reason).toBe(second!.finishReason === 'length' ? 'length' : 'stop');
    expect(choice.message.content).toBe([first!.text, second!.text].filter((t) => t !== '').join('\n\n'));
    expect(reply.usage.prompt_tokens).toBe(first!.usage.promptTokens + second!.usage.promptTokens);
    expect(reply.usage.completion_tokens).toBe(first!.usage.completionTokens + second!.usage.completionTokens);
    expect(second!.usage.promptTokens).toBeGreaterThan(first!.usage.promptTokens);
  }, 180_000);

  it('streams the text of the rounds, never the MCP call, in one stream with one [DONE] and the calls on the finish chunk', async () => {
    const { requests, outcomes } = spyRounds();
    const res = await post(keyed, { mcp: [{ server: 'everything', tools: ['get-tiny-image'] }], tool_choice: forceTiny, stream: true }, { key: KEY });
    expect(res.status).toBe(200);
    const frames = (await res.text()).split('\n\n').filter((f) => f !== '').map((f) => f.replace(/^data: /, ''));
    expect(frames.filter((f) => f === '[DONE]')).toHaveLength(1);
    expect(frames.at(-1)).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f) as { choices: { delta: { content?: string | null; tool_calls?: unknown }; finish_reason: string | null }[]; hearth?: Completion['hearth'] });
    expect(chunks.every((chunk) => chunk.choices.every((c) => c.delta.tool_calls === undefined))).toBe(true);
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
    expect(finish?.choices[0]!.finish_reason).toMatch(/^(stop|length)$/);
    expect(finish!.hearth!.mcp_calls).toEqual([expect.objectContaining({ server: 'everything', tool: 'get-tiny-image', is_error: false })]);
    expect(requests).toHaveLength(2);
    expect(requests[0]!.tools!.map((tool) => tool.name)).toEqual([TINY]);
    // The streamed text is the text of both rounds, as the whole answer's would be.
    const texts = (await Promise.all(outcomes)).map((outcome) => outcome.text);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(texts.filter((t) => t !== '').join('\n\n'));
  }, 180_000);

  it("returns a call to the client's own tool as usual, without running anything", async () => {
    const { requests } = spyRounds();
    const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 8 } }, required: ['city'] } } };
    const reply = await complete({ mcp: [{ server: 'everything', tools: ['get-tiny-image'] }], tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } }, max_tokens: 64 });
    expect(reply.choices[0]!.finish_reason).toBe('tool_calls');
    expect(reply.choices[0]!.message.tool_calls!.map((call) => call.function.name)).toEqual(['get_weather']);
    expect(reply.hearth!.mcp_calls).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.tools!.map((tool) => tool.name)).toEqual(['get_weather', TINY]);
  }, 120_000);

  it(`stops calling after ${MAX_TOOL_ROUNDS} rounds when every round is forced, and answers with tool_choice none`, async () => {
    // Forced on every round (the product resets a forced choice to auto after the first).
    const { requests } = spyRounds((request) => (request.toolChoice === 'none' ? request : { ...request, toolChoice: { name: TINY } }));
    const reply = await complete({ mcp: [{ server: 'everything', tools: ['get-tiny-image'] }], tool_choice: forceTiny });
    expect(reply.hearth!.mcp_calls).toHaveLength(MAX_TOOL_ROUNDS);
    expect(reply.hearth!.mcp_round_cap_reached).toBe(true);
    expect(requests).toHaveLength(MAX_TOOL_ROUNDS + 1);
    expect(requests.at(-1)!.toolChoice).toBe('none');
    expect(reply.choices[0]!.message.tool_calls).toBeUndefined();
  }, 300_000);

  it('works the same on /v1/responses, and is refused on /v1/completions', async () => {
    const { requests } = spyRounds();
    const res = await fetch(`${keyed.baseUrl}/responses`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: MODEL, input: 'show me the logo', mcp: [{ server: 'everything', tools: ['get-tiny-image'] }], tool_choice: { type: 'function', name: TINY }, temperature: 0, max_output_tokens: 24 }),
    });
    const response = (await res.json()) as { status: string; output: { type: string }[]; hearth: Completion['hearth'] };
    expect(res.status, JSON.stringify(response)).toBe(200);
    expect(response.hearth!.mcp_calls).toEqual([expect.objectContaining({ server: 'everything', tool: 'get-tiny-image', is_error: false })]);
    expect(response.output.map((item) => item.type)).not.toContain('function_call');
    expect(requests).toHaveLength(2);
    expect(requests[1]!.messages!.at(-1)).toEqual({ role: 'tool', toolCallId: response.hearth!.mcp_calls[0]!.id, content: response.hearth!.mcp_calls[0]!.output });

    const text = await fetch(`${keyed.baseUrl}/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: MODEL, prompt: 'hi', mcp: ['everything'] }),
    });
    expect(text.status).toBe(400);
    expect(((await text.json()) as Completion).error!.param).toBe('mcp');
  }, 180_000);

  it('a client that disconnects during a slow MCP call cancels it; no round follows', async () => {
    // Short, fixed arguments for the slow tool (the random model's would be anything): 60 s in 2 steps.
    const tight = { type: 'object', properties: { duration: { enum: [60] }, steps: { enum: [2] } }, required: ['duration', 'steps'] };
    const { requests, outcomes } = spyRounds((request) => ({ ...request, tools: request.tools!.map((tool) => (tool.name === SLOW ? { ...tool, parameters: tight } : tool)) }));
    const toolCalls: Promise<unknown>[] = [];
    const realCall = env.core.mcp.callTool.bind(env.core.mcp);
    vi.spyOn(env.core.mcp, 'callTool').mockImplementation((...args) => {
      const call = realCall(...args);
      toolCalls.push(call);
      return call;
    });
    const client = new AbortController();
    const answered = post(keyed, { mcp: [{ server: 'everything', tools: ['trigger-long-running-operation'] }], tool_choice: { type: 'function', function: { name: SLOW } }, max_tokens: 64 }, { key: KEY, signal: client.signal }).catch((e: unknown) => e);
    for (let i = 0; i < 1200 && toolCalls.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(toolCalls).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1_000));
    client.abort();
    await answered;
    // Cancelled, not run to its end (that would resolve with a result after 60 s).
    await expect(toolCalls[0]).rejects.toThrow(/trigger-long-running-operation/);
    await Promise.allSettled(outcomes);
    await new Promise((r) => setTimeout(r, 500));
    expect(requests).toHaveLength(1);
    await expect(env.core.mcp.callTool('everything', 'echo', { message: 'after' })).resolves.toMatchObject({ content: 'Echo: after' });
  }, 180_000);
});
