import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logging/logger';
import type { RunningApiServer } from '../../core/server/apiServerController';
import { populateModelsDir } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import { startApiServer } from './apiServer';

// The API server in front of a real core and engine (tiny generated models), driven by the official client.
let env: Awaited<ReturnType<typeof createTestCore>>;
let server: RunningApiServer;
let client: OpenAI;
let ids: Awaited<ReturnType<typeof populateModelsDir>>;
// `force`: the 5 MB fixtures must load even when other work leaves less free RAM than the fit check's safety margin.
const LOAD = { contextSize: 512, force: true };
const user = (content: string) => [{ role: 'user' as const, content }];

beforeAll(async () => {
  env = await createTestCore();
  ids = await populateModelsDir(env.modelsDir);
  server = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, logger: silentLogger, idleUnloadMs: 0, loadDefaults: LOAD });
  client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'not-checked', maxRetries: 0, timeout: 30_000 });
});
afterAll(async () => {
  await server?.close();
  await env?.cleanup();
});

async function expectApiError(promise: Promise<unknown>, status: number, fields: Record<string, unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  const apiError = error as InstanceType<typeof OpenAI.APIError>;
  expect(apiError.status).toBe(status);
  expect(apiError.error).toMatchObject(fields);
  expect(typeof (apiError.error as { message?: unknown }).message).toBe('string');
  return apiError;
}

describe('GET /v1/models', () => {
  it('lists every readable downloaded model, loaded or not, with created and owned_by', async () => {
    const page = await client.models.list();
    const byId = new Map(page.data.map((model) => [model.id, model]));
    expect([...byId.keys()].sort()).toEqual([ids.looseId, ids.tinyId].sort());
    expect(byId.get(ids.tinyId)).toMatchObject({ object: 'model', owned_by: 'hearth-test' });
    expect(byId.get(ids.looseId)).toMatchObject({ object: 'model', owned_by: 'local' });
    for (const model of page.data) expect(model.created).toBeGreaterThan(1_600_000_000);
  });

  it('retrieves one model by an id containing slashes, and 404s an unknown one', async () => {
    await expect(client.models.retrieve(ids.tinyId)).resolves.toMatchObject({ id: ids.tinyId, object: 'model' });
    const raw = await fetch(`${server.baseUrl}/models/${ids.tinyId}`);
    expect(await raw.json()).toMatchObject({ id: ids.tinyId });
    await expectApiError(client.models.retrieve('nobody/nothing.gguf'), 404, { code: 'model_not_found', type: 'not_found_error' });
  });
});

describe('POST /v1/chat/completions', () => {
  it('loads the named model on demand and answers with usage', async () => {
    expect(env.core.fleet.primary).toBeNull();
    const reply = await client.chat.completions.create({ model: ids.tinyId, messages: user('hello there'), temperature: 0, max_tokens: 12 });
    expect(env.core.fleet.primary?.modelId).toBe(ids.tinyId);
    expect(reply).toMatchObject({ object: 'chat.completion', model: ids.tinyId });
    expect(reply.id).toMatch(/^chatcmpl-/);
    const choice = reply.choices[0]!;
    expect(choice.message.role).toBe('assistant');
    expect(typeof choice.message.content).toBe('string');
    expect(['stop', 'length']).toContain(choice.finish_reason);
    expect(reply.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(reply.usage!.completion_tokens).toBeGreaterThan(0);
    expect(reply.usage!.completion_tokens).toBeLessThanOrEqual(12);
    expect(reply.usage!.total_tokens).toBe(reply.usage!.prompt_tokens + reply.usage!.completion_tokens);
  });

  it('streams a role chunk, content deltas, a finish chunk and a usage chunk; same text as without streaming', async () => {
    const request = { model: ids.tinyId, messages: user('tell me a story'), temperature: 0, max_completion_tokens: 16 };
    const plain = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]!.id)).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(plain.choices[0]!.message.content);
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]!.finish_reason).toBe(plain.choices[0]!.finish_reason);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: plain.usage!.prompt_tokens, completion_tokens: plain.usage!.completion_tokens });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('honours stop strings, seed and penalties, and accepts text content parts and developer messages', async () => {
    const reply = await client.chat.completions.create({
      model: ids.tinyId,
      messages: [
        { role: 'developer', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'numbers' }, { type: 'text', text: 'please' }] },
      ],
      temperature: 0.8,
      seed: 42,
      top_p: 0.9,
      presence_penalty: 0.5,
      frequency_penalty: 0.5,
      max_tokens: 10,
      stop: ['\n\n\n'],
    });
    const again = await client.chat.completions.create({
      model: ids.tinyId,
      messages: [
        { role: 'developer', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'numbers' }, { type: 'text', text: 'please' }] },
      ],
      temperature: 0.8,
      seed: 42,
      top_p: 0.9,
      presence_penalty: 0.5,
      frequency_penalty: 0.5,
      max_tokens: 10,
      stop: ['\n\n\n'],
    });
    expect(again.choices[0]!.message.content).toBe(reply.choices[0]!.message.content);
  });

  it('returns JSON under response_format json_object and json_schema', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const shaped = await client.chat.completions.create({
      model: ids.tinyId,
      messages: user('answer in JSON'),
      temperature: 0,
      max_tokens: 40,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
    });
    expect(typeof (JSON.parse(shaped.choices[0]!.message.content!) as { ok: unknown }).ok).toBe('boolean');
    const object = await client.chat.completions.create({
      model: ids.tinyId,
      messages: user('answer in JSON'),
      temperature: 0,
      max_tokens: 200,
      response_format: { type: 'json_object' },
    });
    const content = object.choices[0]!.message.content!;
    if (object.choices[0]!.finish_reason === 'stop') expect(typeof JSON.parse(content)).toBe('object');
    else expect(content.trimStart().startsWith('{')).toBe(true);
  });

  // Tools (accepted, and their errors) are tested in toolCalls.test.ts.
  it('refuses n above 8, image parts and unknown models in OpenAI error shape', async () => {
    await expectApiError(client.chat.completions.create({ model: ids.tinyId, messages: user('x'), n: 9 }), 400, { param: 'n', type: 'invalid_request_error' });
    await expectApiError(
      client.chat.completions.create({ model: ids.tinyId, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }] }),
      400,
      { param: 'messages[0].content[0].type' },
    );
    await expectApiError(client.chat.completions.create({ model: 'no-such-model', messages: user('x') }), 404, { code: 'model_not_found', param: 'model' });
    await expectApiError(client.chat.completions.create({ model: ids.garbageId, messages: user('x') }), 400, { code: 'model_unreadable' });
    await expectApiError(client.chat.completions.create({ model: ids.tinyId, messages: [] }), 400, { param: 'messages' });
  });

  it('refuses a prompt longer than the context with 400, streaming or not, instead of truncating it', async () => {
    const long = user('the quick brown fox jumps over the lazy dog '.repeat(200));
    await expectApiError(client.chat.completions.create({ model: ids.tinyId, messages: long, max_tokens: 4 }), 400, { code: 'context_length_exceeded', param: 'messages' });
    await expectApiError(client.chat.completions.create({ model: ids.tinyId, messages: long, max_tokens: 4, stream: true }), 400, { code: 'context_length_exceeded' });
  });

  it('answers malformed JSON, a wrong method and an unknown route with clear errors', async () => {
    const bad = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"model": "x", "messages": [' });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { message: string; type: string; param: unknown; code: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: 'invalid_json' });
    expect(body.error.message).toMatch(/not valid JSON/);
    const get = await fetch(`${server.baseUrl}/chat/completions`);
    expect(get.status).toBe(405);
    const unknown = await fetch(`${server.baseUrl}/nothing/here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'unknown_url' } });
  });
});

describe('POST /v1/completions and /v1/embeddings', () => {
  it('completes a raw prompt, plain and streaming, with usage', async () => {
    const request = { model: ids.tinyId, prompt: 'Once upon a time', temperature: 0, max_tokens: 10 };
    const plain = await client.completions.create(request);
    expect(plain).toMatchObject({ object: 'text_completion', model: ids.tinyId });
    expect(plain.usage!.completion_tokens).toBeGreaterThan(0);
    const stream = await client.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(plain.choices[0]!.text);
    expect(usage).toMatchObject({ completion_tokens: plain.usage!.completion_tokens });
  });

  it('embeds a string and an array, as floats and base64 (the client default)', async () => {
    const many = await client.embeddings.create({ model: ids.tinyId, input: ['hello', 'a hearth is a fireplace'] });
    expect(many.data.map((d) => d.index)).toEqual([0, 1]);
    for (const { embedding } of many.data) {
      expect(embedding.length).toBeGreaterThan(0);
      expect(Math.hypot(...embedding)).toBeCloseTo(1, 3);
    }
    expect(many.usage.prompt_tokens).toBeGreaterThan(0);
    const one = await client.embeddings.create({ model: ids.tinyId, input: 'hello', encoding_format: 'float' });
    expect(one.data).toHaveLength(1);
    one.data[0]!.embedding.forEach((value, i) => expect(value).toBeCloseTo(many.data[0]!.embedding[i]!, 5));
  });
});

describe('models on demand', () => {
  it('loads models by file name or owner/repo, keeps several resident, and serves another while a reply runs', async () => {
    const f16 = await client.chat.completions.create({ model: 'hearth-tiny-f16.gguf', messages: user('hi'), max_tokens: 2 });
    expect(f16.model).toBe(ids.looseId);
    const back = await client.chat.completions.create({ model: 'hearth-test/tiny-GGUF', messages: user('hi'), max_tokens: 2 });
    expect(back.model).toBe(ids.tinyId);
    expect(env.core.fleet.resident(ids.looseId)).toBeDefined();
    expect(env.core.fleet.resident(ids.tinyId)).toBeDefined();

    const controller = new AbortController();
    const long = await client.chat.completions.create(
      { model: ids.tinyId, messages: user('go on'), max_tokens: 400, stream: true },
      { signal: controller.signal },
    );
    const iterator = long[Symbol.asyncIterator]();
    await iterator.next();
    // Before the fleet this was a 503 until the other reply ended.
    const other = await client.chat.completions.create({ model: ids.looseId, messages: user('hi'), max_tokens: 2 });
    expect(other.model).toBe(ids.looseId);
    expect(env.core.fleet.getState().activeRequests.length).toBeGreaterThanOrEqual(1);
    controller.abort();
    await iterator.return?.();
  });

  it('unloads a model the API loaded after the idle time, and only then; the others stay', async () => {
    await expect.poll(() => env.core.fleet.getState().activeRequests.length).toBe(0);
    await env.core.inference.unloadModel({ modelId: ids.looseId });
    const quick = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, logger: silentLogger, idleUnloadMs: 300, loadDefaults: LOAD });
    try {
      const api = new OpenAI({ baseURL: quick.baseUrl, apiKey: 'x', maxRetries: 0 });
      await api.chat.completions.create({ model: ids.looseId, messages: user('hi'), max_tokens: 2 });
      expect(env.core.fleet.resident(ids.looseId)).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(env.core.fleet.resident(ids.looseId)).toBeDefined();
      await expect.poll(() => env.core.fleet.resident(ids.looseId), { timeout: 3_000, interval: 50 }).toBeUndefined();
      expect(env.core.fleet.resident(ids.tinyId)).toBeDefined();
    } finally {
      await quick.close();
    }
  });
});

describe('request log', () => {
  it('keeps every request with method, path, model, status, tokens and duration, in memory and in api.jsonl', async () => {
    const entries = env.core.server.log.list({ limit: 1_000 });
    const chat = entries.find((e) => e.path === '/v1/chat/completions' && e.status === 200 && e.completionTokens !== undefined)!;
    expect(chat).toMatchObject({ method: 'POST', model: ids.tinyId });
    expect(chat.promptTokens).toBeGreaterThan(0);
    expect(chat.durationMs).toBeGreaterThanOrEqual(0);
    expect(entries.some((e) => e.status === 404 && e.error === 'NOT_FOUND')).toBe(true);
    await env.core.server.log.flush();
    const lines = (await readFile(join(env.dataDir, 'logs', 'api.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(entries.length);
    expect(JSON.parse(lines[0]!)).toHaveProperty('time');
  });
});
