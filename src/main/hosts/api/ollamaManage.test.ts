import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Ollama, type ProgressResponse } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logging/logger';
import type { RunningApiServer } from '../../core/server/apiServerController';
import { populateModelsDir } from '../../testing/fixtureModels';
import { startHubFixtureServer, TINY_REPO, type HubFixtureServer } from '../../testing/hub/hubFixtureServer';
import { createTestCore } from '../../testing/testCore';
import { parseKeepAlive } from './ollamaKeepAlive';
import { startApiServer } from './apiServer';

// Ollama's model management (show, pull, delete, keep_alive, num_ctx) in front of a real core and
// engine (generated models) and a fixture Hub on 127.0.0.1, driven by the official `ollama` client.
let hub: HubFixtureServer;
let env: Awaited<ReturnType<typeof createTestCore>>;
let server: RunningApiServer;
let ollama: Ollama;
let origin: string;
let ids: Awaited<ReturnType<typeof populateModelsDir>>;
const KEY = 'ollama-manage-key-1';
const MINUTE = 60_000;

beforeAll(async () => {
  hub = await startHubFixtureServer();
  env = await createTestCore({}, { endpoint: hub.endpoint });
  ids = await populateModelsDir(env.modelsDir);
  server = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, apiKey: KEY, logger: silentLogger, idleUnloadMs: 30 * MINUTE, loadDefaults: { contextSize: 512, force: true } });
  origin = server.baseUrl.replace(/\/v1$/, '');
  ollama = new Ollama({ host: origin, headers: { Authorization: `Bearer ${KEY}` } });
});
afterAll(async () => {
  await server?.close();
  await env?.cleanup();
  await hub?.close();
});

async function failure(promise: Promise<unknown>): Promise<{ error: string; status_code: number }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as { error: string; status_code: number };
}

/** ms from now until a model's `expires_at` in `/api/ps`; undefined when it has none. */
async function expiresIn(model: string): Promise<number | undefined> {
  const { models } = await ollama.ps();
  const entry = models.find((m) => m.name === model);
  expect(entry).toBeDefined();
  const at = (entry as unknown as { expires_at?: string }).expires_at;
  return at === undefined ? undefined : Date.parse(at) - Date.now();
}

describe('keep_alive', () => {
  it('reads durations as Ollama does', () => {
    expect(parseKeepAlive(undefined)).toBeUndefined();
    expect(parseKeepAlive(0)).toBe(0);
    expect(parseKeepAlive('0s')).toBe(0);
    expect(parseKeepAlive('5m')).toBe(5 * MINUTE);
    expect(parseKeepAlive('1h30m')).toBe(90 * MINUTE);
    expect(parseKeepAlive(30)).toBe(30_000);
    expect(parseKeepAlive('30')).toBe(30_000);
    expect(parseKeepAlive(-1)).toBe(Infinity);
    expect(parseKeepAlive('-1m')).toBe(Infinity);
    expect(() => parseKeepAlive('soon')).toThrow(/not a duration/);
  });

  it('loads with num_ctx, sets the idle TTL per request, keeps with -1, and unloads with 0', async () => {
    const chat = { model: ids.tinyId, messages: [{ role: 'user', content: 'hi' }], options: { temperature: 0, num_predict: 4, num_ctx: 256 } };
    await ollama.chat({ ...chat, keep_alive: '10m' });
    const [loaded] = (await ollama.ps()).models as unknown as { name: string; context_length: number }[];
    expect(loaded).toMatchObject({ name: ids.tinyId, context_length: 256 });
    const tenMinutes = (await expiresIn(ids.tinyId))!;
    expect(tenMinutes).toBeGreaterThan(9 * MINUTE);
    expect(tenMinutes).toBeLessThanOrEqual(10 * MINUTE + 1_000);

    // Resident now: num_ctx no longer changes the context; the new keep_alive is its TTL.
    await ollama.generate({ model: ids.tinyId, prompt: 'hello', keep_alive: '1h', options: { num_predict: 4, num_ctx: 128 } });
    const hour = (await expiresIn(ids.tinyId))!;
    expect(hour).toBeGreaterThan(59 * MINUTE);
    expect(((await ollama.ps()).models[0] as unknown as { context_length: number }).context_length).toBe(256);

    await ollama.chat({ ...chat, keep_alive: -1 });
    expect(await expiresIn(ids.tinyId)).toBeUndefined();

    const last = await ollama.chat({ ...chat, keep_alive: 0 });
    expect(last.done).toBe(true);
    expect(last.message.content.length).toBeGreaterThan(0);
    expect((await ollama.ps()).models).toEqual([]);
  });

  it('an empty request with keep_alive 0 unloads a resident model and loads none; embed takes keep_alive too', async () => {
    const loaded = await ollama.generate({ model: ids.tinyId, prompt: '' });
    expect(loaded.done_reason).toBe('load');
    expect((await ollama.ps()).models.map((m) => m.name)).toEqual([ids.tinyId]);
    const unloaded = await ollama.generate({ model: ids.tinyId, prompt: '', keep_alive: 0 });
    expect(unloaded).toMatchObject({ done: true, done_reason: 'unload', model: ids.tinyId });
    expect((await ollama.ps()).models).toEqual([]);
    // Not resident: nothing is loaded just to be unloaded.
    const again = await ollama.chat({ model: ids.tinyId, messages: [], keep_alive: '0s' });
    expect(again.done_reason).toBe('unload');
    expect((await ollama.ps()).models).toEqual([]);

    const embedded = await ollama.embed({ model: ids.tinyId, input: 'a test', keep_alive: 0 });
    expect(embedded.embeddings).toHaveLength(1);
    expect((await ollama.ps()).models).toEqual([]);
    const bad = await failure(ollama.chat({ model: ids.tinyId, messages: [], keep_alive: 'later' }));
    expect(bad.status_code).toBe(400);
    expect(bad.error).toContain('keep_alive');
  });
});

describe('/api/show', () => {
  it("shows details, GGUF metadata, the chat template and capabilities; unknown models are 404", async () => {
    const shown = await ollama.show({ model: ids.tinyId });
    expect(shown.details).toMatchObject({ format: 'gguf', family: 'llama', quantization_level: 'Q4_0' });
    expect(shown.details.parameter_size).toMatch(/^\d+(\.\d)?[KMB]$/);
    const info = shown.model_info as unknown as Record<string, unknown>;
    expect(info['general.architecture']).toBe('llama');
    expect(info['llama.context_length']).toBe(512);
    expect(info['llama.block_count']).toBe(2);
    expect(shown.template).toContain('<|im_start|>');
    expect(shown.capabilities).toContain('completion');
    expect(Date.parse(String(shown.modified_at))).toBeGreaterThan(Date.parse('2020-01-01'));

    const unknown = await failure(ollama.show({ model: 'nobody/nothing.gguf' }));
    expect(unknown.status_code).toBe(404);
    expect(unknown.error).toContain('nobody/nothing.gguf');
  });
});

describe('/api/pull', () => {
  it('downloads from the Hub with Ollama progress lines, then lists the model; a second pull finds it there', async () => {
    const stream = await ollama.pull({ model: `${TINY_REPO}:Q8_0`, stream: true });
    const events: ProgressResponse[] = [];
    for await (const event of stream) events.push(event);
    expect(events[0]!.status).toBe('pulling manifest');
    expect(events.at(-1)!.status).toBe('success');
    const progress = events.filter((event) => event.status.startsWith('pulling ') && event.digest);
    expect(progress.length).toBeGreaterThan(0);
    const size = hub.file(TINY_REPO, 'hearth-tiny-Q8_0.gguf')!.bytes.length;
    expect(progress.at(-1)).toMatchObject({ digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), total: size, completed: size });
    const modelId = `${TINY_REPO}/hearth-tiny-Q8_0.gguf`;
    expect((await ollama.list()).models.map((m) => m.name)).toContain(modelId);
    expect(existsSync(join(env.modelsDir, modelId))).toBe(true);

    // Ollama's hf.co form, not streamed: one object at the end.
    expect(await ollama.pull({ model: `hf.co/${TINY_REPO}:Q8_0`, stream: false })).toEqual({ status: 'success' });
  });

  it('refuses a missing quant and an unknown repo', async () => {
    const quant = await failure(ollama.pull({ model: `${TINY_REPO}:Q2_K`, stream: true }));
    expect(quant.status_code).toBe(400);
    expect(quant.error).toContain('Q4_0');
    const repo = await failure(ollama.pull({ model: 'nobody/nothing-GGUF', stream: false }));
    expect(repo.status_code).toBe(404);
  });
});

describe('/api/delete', () => {
  it('unloads and deletes a resident model; it is gone from disk, tags and ps; unknown models are 404', async () => {
    await ollama.generate({ model: ids.looseId, prompt: '' });
    expect((await ollama.ps()).models.map((m) => m.name)).toContain(ids.looseId);
    await ollama.delete({ model: ids.looseId });
    expect(existsSync(join(env.modelsDir, ids.looseId))).toBe(false);
    expect((await ollama.list()).models.map((m) => m.name)).not.toContain(ids.looseId);
    expect((await ollama.ps()).models.map((m) => m.name)).not.toContain(ids.looseId);

    const unknown = await failure(ollama.delete({ model: ids.looseId }));
    expect(unknown.status_code).toBe(404);
  });

  it('refuses (409) a model the user loaded in the app, and with keep_alive 0 it stays loaded', async () => {
    await env.core.inference.loadModel({ modelId: ids.tinyId, contextSize: 512, force: true });
    await ollama.generate({ model: ids.tinyId, prompt: '', keep_alive: 0 });
    expect((await ollama.ps()).models.map((m) => m.name)).toEqual([ids.tinyId]);
    const pinned = await failure(ollama.delete({ model: ids.tinyId }));
    expect(pinned.status_code).toBe(409);
    expect(pinned.error).toContain('unload it there first');
    expect(existsSync(join(env.modelsDir, ids.tinyId))).toBe(true);
    await env.core.inference.unloadModel({ modelId: ids.tinyId });
  });
});
