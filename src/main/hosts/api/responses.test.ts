import OpenAI from 'openai';
import type { FunctionTool, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logging/logger';
import type { RunningApiServer } from '../../core/server/apiServerController';
import { populateModelsDir } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import { startApiServer } from './apiServer';

// OpenAI's Responses API through the official client, against a real engine on a tiny generated
// model: its text is gibberish, so these tests check shapes, order and token counts, never wording.
let env: Awaited<ReturnType<typeof createTestCore>>;
let server: RunningApiServer;
let client: OpenAI;
let model: string;
// `force`: the 5 MB fixtures must load even when other work leaves less free RAM than the fit check's margin.
const LOAD = { contextSize: 512, force: true };

const weather: FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 8 } }, required: ['city'], additionalProperties: false },
  strict: true,
};

beforeAll(async () => {
  env = await createTestCore();
  model = (await populateModelsDir(env.modelsDir)).tinyId;
  server = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, logger: silentLogger, idleUnloadMs: 0, loadDefaults: LOAD });
  client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'not-checked', maxRetries: 0, timeout: 60_000 });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await env?.cleanup();
});

async function apiError(promise: Promise<unknown>, status: number, fields: Record<string, unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  const apiError = error as InstanceType<typeof OpenAI.APIError>;
  expect(apiError.status).toBe(status);
  expect(apiError.error).toMatchObject(fields);
  return apiError;
}

describe('POST /v1/responses', () => {
  it('answers a plain input as a Response with one message item and usage', async () => {
    const response = await client.responses.create({ model, instructions: 'Be brief.', input: 'hello there', max_output_tokens: 12, temperature: 0 });
    expect(response.id).toMatch(/^resp_/);
    expect(response).toMatchObject({ object: 'response', model, instructions: 'Be brief.', max_output_tokens: 12, temperature: 0, error: null });
    expect(response.output).toHaveLength(1);
    const item = response.output[0]!;
    expect(item).toMatchObject({ type: 'message', role: 'assistant' });
    if (item.type !== 'message') throw new Error('not a message');
    expect(item.id).toMatch(/^msg_/);
    expect(item.content).toEqual([{ type: 'output_text', text: response.output_text, annotations: [], logprobs: [] }]);
    const usage = response.usage!;
    expect(usage.input_tokens).toBeGreaterThan(3);
    expect(usage.output_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(usage.output_tokens_details.reasoning_tokens).toBe(0);
    expect(usage.input_tokens_details.cached_tokens).toBeGreaterThanOrEqual(0);
    if (response.status === 'incomplete') {
      expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
      expect(usage.output_tokens).toBe(12);
    } else {
      expect(response.status).toBe('completed');
      expect(response.incomplete_details).toBeNull();
    }
  });

  it('streams the events in order, numbered, with deltas that join to the final text', async () => {
    const stream = await client.responses.create({ model, input: 'tell me a story', max_output_tokens: 24, temperature: 0, stream: true });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const types = events.map((e) => e.type);
    const deltas = events.filter((e) => e.type === 'response.output_text.delta');
    expect(deltas.length).toBeGreaterThan(1);
    const last = types.at(-1);
    expect(['response.completed', 'response.incomplete']).toContain(last);
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...deltas.map(() => 'response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      last,
    ]);
    const joined = deltas.map((e) => (e.type === 'response.output_text.delta' ? e.delta : '')).join('');
    const done = events.find((e) => e.type === 'response.output_text.done');
    expect(done?.type === 'response.output_text.done' && done.text).toBe(joined);
    const final = events.at(-1)!;
    if (final.type !== 'response.completed' && final.type !== 'response.incomplete') throw new Error('no final event');
    // The client adds `output_text` to whole responses only: read the item.
    const item = final.response.output[0]!;
    if (item.type !== 'message') throw new Error('not a message');
    expect(item.content).toEqual([{ type: 'output_text', text: joined, annotations: [], logprobs: [] }]);
    expect(final.response.usage!.output_tokens).toBeGreaterThan(0);
    const created = events[0]!;
    expect(created.type === 'response.created' && created.response).toMatchObject({ id: final.response.id, status: 'in_progress', output: [] });
  });

  it('text.format json_schema: the output parses and matches the schema', async () => {
    const response = await client.responses.create({
      model,
      input: 'a city please',
      max_output_tokens: 100,
      temperature: 0,
      text: { format: { type: 'json_schema', name: 'city', strict: true, schema: { type: 'object', properties: { city: { type: 'string', maxLength: 8 } }, required: ['city'], additionalProperties: false } } },
    });
    expect(response.status).toBe('completed');
    expect(response.text?.format).toMatchObject({ type: 'json_schema', name: 'city' });
    const value = JSON.parse(response.output_text) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['city']);
    expect(typeof value.city).toBe('string');
    expect((value.city as string).length).toBeLessThanOrEqual(8);
  });

  it('a forced function tool answers a function_call item, and its output continues the conversation', async () => {
    const response = await client.responses.create({ model, input: 'weather?', tools: [weather], tool_choice: { type: 'function', name: 'get_weather' }, max_output_tokens: 200, temperature: 0 });
    expect(response.status).toBe('completed');
    expect(response.output).toHaveLength(1);
    const call = response.output[0]!;
    if (call.type !== 'function_call') throw new Error(`expected a function_call, got ${call.type}`);
    expect(call).toMatchObject({ name: 'get_weather', status: 'completed' });
    expect(call.id).toMatch(/^fc_/);
    expect(call.call_id).toMatch(/^call_/);
    const args = JSON.parse(call.arguments) as { city: unknown };
    expect(typeof args.city).toBe('string');

    // The app runs the tool and sends its output back, continuing from the call.
    const next = await client.responses.create({
      model,
      previous_response_id: response.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"celsius":21}' }],
      tools: [weather],
      max_output_tokens: 8,
      temperature: 0,
    });
    expect(['message', 'function_call']).toContain(next.output[0]!.type);
    expect(next.previous_response_id).toBe(response.id);
    // The same tools are described; the call and its output come on top.
    expect(next.usage!.input_tokens).toBeGreaterThan(response.usage!.input_tokens + 10);
  });

  it('streams a forced function call as output_item.added, the arguments, and output_item.done', async () => {
    const stream = await client.responses.create({ model, input: 'weather?', tools: [weather], tool_choice: 'required', max_output_tokens: 200, temperature: 0, stream: true });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    // The arguments stream as they are generated: several deltas, joined they are the arguments.
    const types = events.map((e) => e.type).filter((type, i, all) => type !== 'response.function_call_arguments.delta' || all[i - 1] !== type);
    expect(types.slice(2)).toEqual([
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const deltas = events.flatMap((e) => (e.type === 'response.function_call_arguments.delta' ? [e.delta] : []));
    expect(deltas.length).toBeGreaterThan(3);
    const done = events.find((e) => e.type === 'response.output_item.done');
    if (done?.type !== 'response.output_item.done' || done.item.type !== 'function_call') throw new Error('no function_call item');
    expect(done.item.name).toBe('get_weather');
    expect(JSON.parse(done.item.arguments)).toHaveProperty('city');
    expect(deltas.join('')).toBe(done.item.arguments);
  });

  it('previous_response_id continues the conversation: the follow-up prompt holds the first exchange', async () => {
    const first = await client.responses.create({ model, input: [{ role: 'user', content: [{ type: 'input_text', text: 'my name is Ada' }] }], max_output_tokens: 8, temperature: 0 });
    const alone = await client.responses.create({ model, input: 'what is my name?', max_output_tokens: 8, temperature: 0, store: false });
    const follow = await client.responses.create({ model, previous_response_id: first.id, input: 'what is my name?', max_output_tokens: 8, temperature: 0 });
    expect(follow.previous_response_id).toBe(first.id);
    // The first exchange (its input and its reply) is in the follow-up's prompt.
    expect(follow.usage!.input_tokens).toBeGreaterThan(alone.usage!.input_tokens + first.usage!.output_tokens);
    expect(follow.usage!.input_tokens).toBeGreaterThan(first.usage!.input_tokens + first.usage!.output_tokens);
    // A chain goes on, and a response sent with store: false is not kept.
    const third = await client.responses.create({ model, previous_response_id: follow.id, input: 'again', max_output_tokens: 4, temperature: 0 });
    expect(third.usage!.input_tokens).toBeGreaterThan(follow.usage!.input_tokens);
    await apiError(client.responses.create({ model, previous_response_id: alone.id, input: 'hi', max_output_tokens: 4 }), 404, {
      code: 'previous_response_not_found',
      param: 'previous_response_id',
    });
    await apiError(client.responses.create({ model, previous_response_id: 'resp_nothing', input: 'hi', max_output_tokens: 4 }), 404, { code: 'previous_response_not_found' });
  });

  it('refuses what Hearth cannot do with a 400 naming the field', async () => {
    const create = (fields: Record<string, unknown>) => client.responses.create({ model, input: 'hi', max_output_tokens: 4, ...fields } as never);
    await apiError(create({ tools: [{ type: 'web_search' }] }), 400, { param: 'tools[0].type', code: 'unsupported_parameter' });
    await apiError(create({ background: true }), 400, { param: 'background' });
    await apiError(create({ input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'http://127.0.0.1/x.png' }] }] }), 400, { param: 'input[0].content[0].type' });
    await apiError(create({ input: [{ type: 'item_reference', id: 'msg_1' }] }), 400, { param: 'input[0].type' });
    await apiError(create({ tool_choice: { type: 'function', name: 'nope' }, tools: [weather] }), 400, { param: 'tool_choice' });
    await apiError(create({ temperature: 7 }), 400, { param: 'temperature' });
    await apiError(create({ max_output_tokens: -1 }), 400, { param: 'max_output_tokens' });
    await apiError(create({ reasoning: { effort: 'high' } }), 400, { param: 'reasoning.effort' });
  });

  it('stops the generation when a streaming client disconnects', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.baseUrl}/responses`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model, input: 'go on forever', max_output_tokens: 400, stream: true }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let seen = '';
    while (seen.split('response.output_text.delta').length < 4) seen += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const deadline = Date.now() + 20_000;
    while (env.core.fleet.getState().activeRequests.length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(env.core.fleet.getState().activeRequests).toEqual([]);
    while (!env.core.server.log.list({}).some((e) => e.path === '/v1/responses' && e.error === 'client_closed') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const aborted = env.core.server.log.list({}).filter((e) => e.path === '/v1/responses' && e.error === 'client_closed');
    expect(aborted).toHaveLength(1);
    expect(aborted[0]!.completionTokens ?? 0).toBeLessThan(400);
  });
});
