import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logging/logger';
import type { RunningApiServer } from '../../core/server/apiServerController';
import { populateModelsDir } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import { startApiServer } from './apiServer';

// Many clients on one model: parallel sequences, the engine's queue (8 places here), disconnects.
let env: Awaited<ReturnType<typeof createTestCore>>;
let server: RunningApiServer;
let client: OpenAI;
let model: string;

beforeAll(async () => {
  env = await createTestCore({ maxQueue: 8 });
  model = (await populateModelsDir(env.modelsDir)).tinyId;
  // `force`: the 5 MB fixture must load even when other work leaves less free RAM than the fit check's margin.
  await env.core.inference.loadModel({ modelId: model, contextSize: 512, parallel: 4, force: true });
  server = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, logger: silentLogger, idleUnloadMs: 0 });
  client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'not-checked', maxRetries: 0, timeout: 30_000 });
});
afterAll(async () => {
  await server?.close();
  await env?.cleanup();
});

async function waitFor(condition: () => boolean, ms: number): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}

async function streamText(content: string): Promise<string> {
  const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content }], temperature: 0, max_tokens: 24, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

describe('API concurrency', () => {
  it('gives four parallel streams at temperature 0 the texts of four sequential requests', async () => {
    const prompts = ['hello there', 'what is a hearth', 'tell me a story', 'numbers please'];
    const sequential: string[] = [];
    for (const prompt of prompts) sequential.push(await streamText(prompt));
    expect(new Set(sequential).size).toBeGreaterThan(1);
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, env.core.fleet.getState().activeRequests.length)), 2);
    const parallel = await Promise.all(prompts.map((prompt) => streamText(prompt)));
    clearInterval(watch);
    expect(parallel).toEqual(sequential);
    expect(peak).toBeGreaterThan(1);
  });

  it('aborts the generation at once when the client disconnects', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'go on forever' }], max_tokens: 400, stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let seen = '';
    while (!seen.includes('"content":"') || seen.split('data:').length < 4) seen += new TextDecoder().decode((await reader.read()).value);
    expect(env.core.fleet.getState().activeRequests).toHaveLength(1);
    controller.abort();
    const tookMs = await waitFor(() => env.core.fleet.getState().activeRequests.length === 0, 2_000);
    expect(tookMs).toBeLessThan(1_000);
    await waitFor(() => env.core.server.log.list().some((e) => e.error === 'client_closed'), 1_000);
  });

  it('answers 64 concurrent clients: each gets a reply or 503 with Retry-After, none lost or hanging', async () => {
    const send = async (i: number) => {
      const response = await fetch(`${server.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: `client ${i}` }], max_tokens: 8, temperature: 0 }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as { choices?: unknown[]; error?: { code: string } };
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
    };
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) => send(i)));
    const ok = results.filter((r) => r.status === 200);
    const busy = results.filter((r) => r.status === 503);
    expect(ok.length + busy.length).toBe(64);
    // 4 sequences + 8 queue places are taken before anyone is refused.
    expect(ok.length).toBeGreaterThanOrEqual(12);
    for (const r of ok) expect(r.body.choices).toHaveLength(1);
    for (const r of busy) {
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(r.body.error?.code).toBe('server_busy');
    }
    expect(env.core.fleet.getState()).toMatchObject({ activeRequests: [], queuedRequests: 0 });
  });
});
