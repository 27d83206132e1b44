import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Ollama, type ChatResponse } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logging/logger';
import type { RunningApiServer } from '../../core/server/apiServerController';
import { populateModelsDir } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import { startApiServer } from './apiServer';

// Ollama's endpoints in front of a real core and engine (tiny generated models), driven by the official `ollama` client.
let env: Awaited<ReturnType<typeof createTestCore>>;
let server: RunningApiServer;
let ollama: Ollama;
let origin: string;
let ids: Awaited<ReturnType<typeof populateModelsDir>>;
const LOAD = { contextSize: 512, force: true };
const KEY = 'ollama-test-key-1';

beforeAll(async () => {
  env = await createTestCore();
  ids = await populateModelsDir(env.modelsDir);
  server = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, apiKey: KEY, logger: silentLogger, idleUnloadMs: 60_000, loadDefaults: LOAD });
  origin = server.baseUrl.replace(/\/v1$/, '');
  ollama = new Ollama({ host: origin, headers: { Authorization: `Bearer ${KEY}` } });
});
afterAll(async () => {
  await server?.close();
  await env?.cleanup();
});

async function failure(promise: Promise<unknown>): Promise<{ error: string; status_code: number }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as { error: string; status_code: number };
}

describe('Ollama model endpoints', () => {
  it('answers /api/version and lists readable models in /api/tags with details and a digest', async () => {
    expect(await ollama.version()).toEqual({ version: 'test' });
    const { models } = await ollama.list();
    expect(models.map((model) => model.name).sort()).toEqual([ids.looseId, ids.tinyId].sort());
    const tiny = models.find((model) => model.name === ids.tinyId)!;
    expect(tiny).toMatchObject({ model: ids.tinyId, details: { format: 'gguf', family: 'llama', quantization_level: 'Q4_0' } });
    expect(tiny.size).toBe(statSync(join(env.modelsDir, ids.tinyId)).size);
    expect(tiny.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(tiny.details.parameter_size).toMatch(/^\d+(\.\d)?[KMB]$/);
    expect(Date.parse(String(tiny.modified_at))).toBeGreaterThan(Date.parse('2020-01-01'));
  });

  it('refuses a missing key, unknown routes and unknown models in Ollama\'s error shape', async () => {
    const noKey = await fetch(`${origin}/api/tags`);
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({ error: expect.stringContaining('API key') });
    const route = await fetch(`${origin}/api/copy`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}` }, body: '{}' });
    expect(route.status).toBe(404);
    expect(Object.keys((await route.json()) as object)).toEqual(['error']);
    const unknown = await failure(ollama.chat({ model: 'nobody/nothing.gguf', messages: [{ role: 'user', content: 'hi' }] }));
    expect(unknown.status_code).toBe(404);
    expect(unknown.error).toContain('nobody/nothing.gguf');
    const badJson = await fetch(`${origin}/api/chat`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}` }, body: '{"model": ' });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: string }).error).toContain('not valid JSON');
    const tools = await failure(ollama.generate({ model: ids.tinyId, prompt: 'hi', tools: [{ type: 'function', function: { name: 'f' } }] } as never));
    expect(tools.status_code).toBe(400);
    expect(tools.error).toContain('tools need a conversation');
    const badTool = await failure(ollama.chat({ model: ids.tinyId, messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'no spaces' } }] }));
    expect(badTool.status_code).toBe(400);
    expect(badTool.error).toContain("Invalid 'tools[0].function.name'");
  });
});

describe('Ollama generation endpoints', () => {
  it('streams /api/chat as NDJSON pieces and a final done object with counts; stream:false gives the same text', async () => {
    const request = { model: ids.tinyId, messages: [{ role: 'user', content: 'tell me a story' }], options: { temperature: 0, num_predict: 12 } };
    const stream = await ollama.chat({ ...request, stream: true });
    const parts: ChatResponse[] = [];
    for await (const part of stream) parts.push(part);
    const last = parts.at(-1)!;
    expect(parts.slice(0, -1).every((part) => !part.done && part.message.role === 'assistant')).toBe(true);
    expect(parts.length).toBeGreaterThan(2);
    expect(last).toMatchObject({ model: ids.tinyId, done: true, message: { role: 'assistant', content: '' } });
    expect(['stop', 'length']).toContain(last.done_reason);
    expect(last.eval_count).toBeGreaterThan(0);
    expect(last.eval_count).toBeLessThanOrEqual(12);
    expect(last.prompt_eval_count).toBeGreaterThan(0);
    expect(last.total_duration).toBeGreaterThan(last.eval_duration);
    expect(last.eval_duration).toBeGreaterThan(0);
    const whole = await ollama.chat({ ...request, stream: false });
    expect(whole.message.content).toBe(parts.map((part) => part.message.content).join(''));
    expect(whole).toMatchObject({ done: true, eval_count: last.eval_count, prompt_eval_count: last.prompt_eval_count });
  });

  it('generates with the template, raw, with a seed and stop, and as JSON under format', async () => {
    const options = { temperature: 0.9, seed: 7, top_k: 40, top_p: 0.9, repeat_penalty: 1.1, presence_penalty: 0.2, frequency_penalty: 0.2, num_predict: 10, stop: ['\n\n\n'] };
    const one = await ollama.generate({ model: ids.tinyId, prompt: 'Once upon a time', system: 'be brief', options });
    const two = await ollama.generate({ model: ids.tinyId, prompt: 'Once upon a time', system: 'be brief', options });
    expect(one.done).toBe(true);
    expect(one.eval_count).toBeGreaterThan(0);
    expect(two.response).toBe(one.response);
    const raw = await ollama.generate({ model: ids.tinyId, prompt: 'Once upon a time', raw: true, options: { temperature: 0, num_predict: 6 } });
    // Without the chat template the prompt has fewer tokens than with it.
    expect(raw.prompt_eval_count).toBeLessThan(one.prompt_eval_count);
    let streamed = '';
    for await (const part of await ollama.generate({ model: ids.tinyId, prompt: 'Once upon a time', raw: true, options: { temperature: 0, num_predict: 6 }, stream: true })) streamed += part.response ?? '';
    expect(streamed).toBe(raw.response);
    const json = await ollama.generate({ model: ids.tinyId, prompt: 'a JSON object', format: { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] }, options: { num_predict: 60 } });
    if (json.done_reason === 'stop') expect(JSON.parse(json.response ?? '')).toEqual({ a: expect.any(Number) });
    else expect(json.response?.startsWith('{')).toBe(true);
    const load = await ollama.generate({ model: ids.tinyId, prompt: '' });
    expect(load).toMatchObject({ done: true, done_reason: 'load', response: '' });
  });

  it('embeds a string or an array as unit-length vectors (/api/embed), and one prompt (/api/embeddings)', async () => {
    const many = await ollama.embed({ model: ids.tinyId, input: ['hello', 'a hearth is a fireplace'] });
    expect(many.model).toBe(ids.tinyId);
    expect(many.embeddings).toHaveLength(2);
    for (const vector of many.embeddings) expect(Math.hypot(...vector)).toBeCloseTo(1, 3);
    expect(many.prompt_eval_count).toBeGreaterThan(0);
    const one = await ollama.embed({ model: ids.tinyId, input: 'hello' });
    one.embeddings[0]!.forEach((value, i) => expect(value).toBeCloseTo(many.embeddings[0]![i]!, 5));
    const legacy = await ollama.embeddings({ model: ids.tinyId, prompt: 'hello' });
    expect(legacy.embedding).toHaveLength(many.embeddings[0]!.length);
    const empty = await failure(ollama.embed({ model: ids.tinyId, input: [] }));
    expect(empty.status_code).toBe(400);
  });

  it('reports the loaded model in /api/ps, and logs Ollama requests with their tokens', async () => {
    const ps = (await (await fetch(`${origin}/api/ps`, { headers: { Authorization: `Bearer ${KEY}` } })).json()) as {
      models: { name: string; context_length: number; size: number; expires_at?: string; hearth: { parallel: number; active_requests: number; queued_requests: number } }[];
    };
    expect(ps.models).toHaveLength(1);
    const [loaded] = ps.models;
    expect(loaded).toMatchObject({ name: ids.tinyId, context_length: 512, hearth: { active_requests: 0, queued_requests: 0 } });
    expect(loaded!.size).toBeGreaterThan(0);
    expect(loaded!.hearth.parallel).toBeGreaterThanOrEqual(1);
    expect(Date.parse(loaded!.expires_at!)).toBeGreaterThan(Date.now());
    const chats = env.core.server.log.list({}).filter((entry) => entry.path === '/api/chat' && entry.status === 200);
    expect(chats.length).toBeGreaterThan(0);
    expect(chats.every((entry) => entry.model === ids.tinyId && (entry.completionTokens ?? 0) > 0)).toBe(true);
  });

  it('stops the generation when the client aborts the stream', async () => {
    const stream = await ollama.chat({ model: ids.tinyId, messages: [{ role: 'user', content: 'go on forever' }], options: { num_predict: 5000 }, stream: true });
    let pieces = 0;
    for await (const part of stream) {
      if (++pieces === 3) {
        expect(part.done).toBe(false);
        stream.abort();
        break;
      }
    }
    const deadline = Date.now() + 10_000;
    while (env.core.fleet.getState().activeRequests.length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(env.core.fleet.getState().activeRequests).toEqual([]);
    const aborted = env.core.server.log.list({}).filter((entry) => entry.path === '/api/chat').at(-1);
    expect(aborted).toMatchObject({ error: 'client_closed' });
    expect(aborted!.completionTokens ?? 0).toBeLessThan(5000);
  });
});
