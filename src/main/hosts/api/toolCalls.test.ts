import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Ollama, type ChatResponse } from 'ollama';
import OpenAI from 'openai';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logging/logger';
import type { RunningApiServer } from '../../core/server/apiServerController';
import { fixtureModel, populateModelsDir } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import { startApiServer } from './apiServer';

// Tool calls through the official client against a real engine on a tiny generated model: its
// text is gibberish, so these tests check shapes and behaviour, never wording.
let env: Awaited<ReturnType<typeof createTestCore>>;
let server: RunningApiServer;
let client: OpenAI;
let ids: Awaited<ReturnType<typeof populateModelsDir>>;
// The tiny model's whole context (512 tokens): the tool descriptions go into the prompt, so tools and messages stay small.
const LOAD = { contextSize: 512, force: true };
const smol = 'hearth-test/smol-GGUF/hearth-smollm2-135m-q4_0.gguf';
const user = (content: string) => [{ role: 'user' as const, content }];

const weather: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 8 } }, required: ['city'] },
  },
};
const alarm: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'set_alarm',
    parameters: { type: 'object', properties: { loud: { type: 'boolean' } }, required: ['loud'] },
  },
};
const tools = [weather, alarm];
/** Long enough for either call in full (strings are capped by the schemas), in tokens. */
const MAX_TOKENS = 200;

beforeAll(async () => {
  env = await createTestCore();
  ids = await populateModelsDir(env.modelsDir);
  await mkdir(join(env.modelsDir, 'hearth-test/smol-GGUF'), { recursive: true });
  await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' }), join(env.modelsDir, smol));
  server = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, logger: silentLogger, idleUnloadMs: 0, loadDefaults: LOAD });
  client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'not-checked', maxRetries: 0, timeout: 60_000 });
});
afterAll(async () => {
  await server?.close();
  await env?.cleanup();
});

/** Checks a call's arguments against the tool it names: every required key, with the right type. */
function expectArgumentsMatch(name: string, args: string) {
  const value = JSON.parse(args) as Record<string, unknown>;
  if (name === 'get_weather') {
    expect(typeof value.city).toBe('string');
    expect((value.city as string).length).toBeLessThanOrEqual(8);
  } else {
    expect(name).toBe('set_alarm');
    expect(typeof value.loud).toBe('boolean');
  }
}

async function apiError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

describe('tool calls on /v1/chat/completions', () => {
  it("tool_choice 'required' without parallel calls returns one call of one of them, arguments matching its schema", async () => {
    const reply = await client.chat.completions.create({
      model: ids.tinyId,
      messages: user('what now?'),
      tools,
      tool_choice: 'required',
      parallel_tool_calls: false,
      temperature: 0,
      max_tokens: MAX_TOKENS,
    });
    const choice = reply.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    expect(call.id).toMatch(/^call_/);
    if (call.type !== 'function') throw new Error('not a function call');
    expect(['get_weather', 'set_alarm']).toContain(call.function.name);
    expectArgumentsMatch(call.function.name, call.function.arguments);
    expect(reply.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('a named tool_choice returns that tool', async () => {
    for (const name of ['set_alarm', 'get_weather']) {
      const reply = await client.chat.completions.create({
        model: ids.tinyId,
        messages: user('go'),
        tools,
        tool_choice: { type: 'function', function: { name } },
        temperature: 0,
        max_tokens: MAX_TOKENS,
      });
      const call = reply.choices[0]!.message.tool_calls![0]!;
      if (call.type !== 'function') throw new Error('not a function call');
      expect(call.function.name).toBe(name);
      expectArgumentsMatch(name, call.function.arguments);
    }
  });

  it('streams a named call in OpenAI chunks that the client reassembles into the same shape', async () => {
    const stream = client.chat.completions.stream({
      model: ids.tinyId,
      messages: user('stream it'),
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      temperature: 0,
      max_tokens: MAX_TOKENS,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    stream.on('chunk', (chunk) => chunks.push(chunk));
    const final = await stream.finalChatCompletion();
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call.function.name).toBe('get_weather');
    expect(call.id).toMatch(/^call_/);
    expectArgumentsMatch('get_weather', call.function.arguments);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const header = chunks.find((chunk) => chunk.choices[0]?.delta.tool_calls?.[0]?.id);
    expect(header!.choices[0]!.delta.tool_calls![0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } });
    // The arguments stream as they are generated: one piece per token, not one piece at the end.
    const pieces = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []).filter((delta) => !delta.id).map((delta) => delta.function!.arguments!);
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join('')).toBe(call.function.arguments);
    expect(chunks.at(-1)!.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('several calls in one reply (parallel_tool_calls, the default), streamed and whole, each with its own id', async () => {
    // The SmolLM2-135M-shaped model: after its first call it chooses another (the tiny one ends there).
    const request = { model: smol, messages: user('do both'), tools, tool_choice: 'required' as const, temperature: 0, max_tokens: 150 };
    const whole = await client.chat.completions.create(request);
    const calls = whole.choices[0]!.message.tool_calls!;
    expect(whole.choices[0]!.finish_reason).toBe('tool_calls');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(calls.map((call) => call.id)).size).toBe(calls.length);
    for (const call of calls) {
      if (call.type !== 'function') throw new Error('not a function call');
      expectArgumentsMatch(call.function.name, call.function.arguments);
    }
    const streamed = await client.chat.completions.stream(request).finalChatCompletion();
    const again = streamed.choices[0]!.message.tool_calls!;
    // Greedy on the same model: the same calls (ids are fresh per reply).
    expect(again.map((call) => (call.type === 'function' ? [call.function.name, call.function.arguments] : []))).toEqual(
      calls.map((call) => (call.type === 'function' ? [call.function.name, call.function.arguments] : [])),
    );
  });

  it('accepts a follow-up carrying the assistant tool_calls and a tool message, and answers it', async () => {
    const reply = await client.chat.completions.create({
      model: ids.tinyId,
      messages: [
        { role: 'user', content: 'weather in Oslo?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '4 C' },
      ],
      tools,
      tool_choice: 'none',
      temperature: 0,
      max_tokens: 8,
    });
    const choice = reply.choices[0]!;
    expect(typeof choice.message.content).toBe('string');
    expect(choice.message.tool_calls ?? []).toHaveLength(0);
    expect(['stop', 'length']).toContain(choice.finish_reason);
  });

  it("tool_choice 'none' with tools gives a plain reply; 'auto' answers content or a well-formed call", async () => {
    const none = await client.chat.completions.create({ model: ids.tinyId, messages: user('hi'), tools, tool_choice: 'none', temperature: 0, max_tokens: 8 });
    expect(typeof none.choices[0]!.message.content).toBe('string');
    expect(none.choices[0]!.message.tool_calls ?? []).toHaveLength(0);
    const auto = await client.chat.completions.create({ model: ids.tinyId, messages: user('hi'), tools, temperature: 0, max_tokens: 8 });
    const message = auto.choices[0]!.message;
    if (auto.choices[0]!.finish_reason === 'tool_calls') expect(message.tool_calls).toHaveLength(1);
    else expect(typeof message.content).toBe('string');
  });

  it("streams 'auto' the same as without streaming: held-back text is not lost", async () => {
    const request = { model: ids.tinyId, messages: user('hello'), tools, temperature: 0, max_tokens: 12 };
    const plain = await client.chat.completions.create(request);
    const final = await client.chat.completions.stream(request).finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe(plain.choices[0]!.finish_reason);
    if (plain.choices[0]!.finish_reason !== 'tool_calls') expect(final.choices[0]!.message.content).toBe(plain.choices[0]!.message.content);
  });

  it('accepts a tool whose schema the grammar enforces only in part (a pattern), keeping the rest', async () => {
    const loose: ChatCompletionTool = { type: 'function', function: { name: 'find', parameters: { type: 'object', properties: { q: { type: 'string', pattern: '^a', maxLength: 6 } }, required: ['q'] } } };
    const reply = await client.chat.completions.create({ model: ids.tinyId, messages: user('x'), tools: [loose], tool_choice: 'required', temperature: 0, max_tokens: 60 });
    const choice = reply.choices[0]!;
    if (choice.finish_reason === 'tool_calls') {
      const call = choice.message.tool_calls![0]!;
      if (call.type !== 'function') throw new Error('not a function call');
      expect(call.function.name).toBe('find');
      const args = JSON.parse(call.function.arguments) as { q: unknown };
      expect(Object.keys(args)).toEqual(['q']);
      expect(typeof args.q).toBe('string');
    } else {
      expect(choice.finish_reason).toBe('length');
    }
  });

  it('a forced call cut by max_tokens is answered as text with finish_reason length, not a made-up call', async () => {
    const reply = await client.chat.completions.create({ model: ids.tinyId, messages: user('x'), tools, tool_choice: 'required', temperature: 0, max_tokens: 2 });
    const choice = reply.choices[0]!;
    expect(choice.finish_reason).toBe('length');
    expect(typeof choice.message.content).toBe('string');
    expect(choice.message.tool_calls ?? []).toHaveLength(0);
  });

  it('refuses invalid tools and tool_choice with 400 naming the parameter', async () => {
    const base = { model: ids.tinyId, messages: user('x') };
    const bad = async (body: Record<string, unknown>, param: string) => {
      const error = await apiError(client.chat.completions.create({ ...base, ...body } as never));
      expect(error.status).toBe(400);
      expect(error.error).toMatchObject({ param, type: 'invalid_request_error' });
    };
    await bad({ tools: [{ type: 'function', function: { parameters: { type: 'object' } } }] }, 'tools[0].function.name');
    await bad({ tools: [weather, { type: 'function', function: { name: 'f', parameters: 'nope' } }] }, 'tools[1].function.parameters');
    await bad({ tools, tool_choice: { type: 'function', function: { name: 'missing' } } }, 'tool_choice');
    await bad({ tool_choice: 'required' }, 'tool_choice');
    await bad({ tools: [weather, weather] }, 'tools[1].function.name');
    await bad({ messages: [{ role: 'tool', content: 'r' }] }, 'messages[0].tool_call_id');
    await bad({ functions: [{ name: 'f' }] }, 'functions');
  });
});

describe('tool calls on Ollama\'s /api/chat', () => {
  let ollama: Ollama;
  beforeAll(() => {
    ollama = new Ollama({ host: server.baseUrl.replace(/\/v1$/, '') });
  });

  it('answers a chat with tools with message.tool_calls (arguments as an object), streamed and whole', async () => {
    const ollamaTools = tools.map((tool) => (tool.type === 'function' ? { type: 'function' as const, function: { name: tool.function.name, description: tool.function.description ?? '', parameters: tool.function.parameters as never } } : tool)) as never;
    // Ollama has no tool_choice: a random model may answer in text, so a history asks for the call the model then makes.
    const whole = await ollama.chat({ model: ids.tinyId, messages: user('weather?'), tools: ollamaTools, stream: false, options: { temperature: 0, num_predict: 24 } });
    expect(whole.done).toBe(true);
    expect(['stop', 'length']).toContain(whole.done_reason);
    for (const call of whole.message.tool_calls ?? []) expect(typeof call.function.arguments).toBe('object');
    const followUp = await ollama.chat({
      model: ids.tinyId,
      messages: [
        ...user('weather in Oslo?'),
        { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Oslo' } } }] },
        { role: 'tool', content: '4 C', tool_name: 'get_weather' } as never,
      ],
      tools: ollamaTools,
      stream: true,
      options: { temperature: 0, num_predict: 8 },
    });
    let last: ChatResponse | undefined;
    for await (const part of followUp) last = part;
    expect(last?.done).toBe(true);
    expect(last!.eval_count).toBeGreaterThan(0);
  });

  it('refuses a tool result that answers no call, naming the message', async () => {
    const error = await ollama.chat({ model: ids.tinyId, messages: [...user('x'), { role: 'tool', content: 'r' }], stream: false }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/no earlier assistant message made a matching tool call/);
  });
});
