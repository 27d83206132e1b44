import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryOf } from '../../core/fleet/fleetMember';
import { silentLogger } from '../../core/logging/logger';
import type { RunningApiServer } from '../../core/server/apiServerController';
import { fixtureModel } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import { startApiServer } from './apiServer';

// Apps calling the API with different models: while memory allows, every request is answered (no
// 503 in turn, as with one model at a time); past it, the least recently used idle model makes room.
// The memory limit is set from what the models really take here, so eviction happens on any machine.

const MIB = 1024 * 1024;
const LOAD = { contextSize: 512, parallel: 1 };
const ids = { a: 'smollm-q4_0.gguf', b: 'smollm-q8_0.gguf', c: 'smollm-f16.gguf' };
let env: Awaited<ReturnType<typeof createTestCore>>;
let server: RunningApiServer;
let client: OpenAI;

async function populate(modelsDir: string): Promise<void> {
  await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' }), join(modelsDir, ids.a));
  await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q8_0' }), join(modelsDir, ids.b));
  await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'F16' }), join(modelsDir, ids.c));
}

beforeAll(async () => {
  // What a and b hold once loaded here, and what b and c are predicted to need.
  const probe = await createTestCore();
  let limit: number;
  try {
    await populate(probe.modelsDir);
    const a = await probe.core.inference.loadModel({ modelId: ids.a, ...LOAD, force: true });
    const b = await probe.core.inference.loadModel({ modelId: ids.b, ...LOAD, force: true });
    const c = await probe.core.inference.loadModel({ modelId: ids.c, ...LOAD, force: true });
    const need = Math.max(b.memory!.predicted.ramBytes, c.memory!.predicted.ramBytes);
    // The safety margin (512 MiB at this size) + a + room for the larger of b and c, + a quarter of b
    // for measurement noise: a and b fit together; c fits in place of b, but not next to both.
    limit = 512 * MIB + memoryOf(a).ramBytes + need + Math.round(memoryOf(b).ramBytes / 4);
  } finally {
    await probe.cleanup();
  }
  env = await createTestCore({}, undefined, { memoryLimitBytes: limit });
  await populate(env.modelsDir);
  server = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, logger: silentLogger, idleUnloadMs: 0, loadDefaults: LOAD });
  client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'not-checked', maxRetries: 0, timeout: 60_000 });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await env?.cleanup();
});

const ask = (model: string, maxTokens = 24) => client.chat.completions.create({ model, messages: [{ role: 'user', content: `hello ${model}` }], max_tokens: maxTokens, temperature: 0 });
const resident = () => env.core.inference.getState().models.map((m) => m.modelId).sort();

describe('the API over several models', () => {
  it('answers two apps on two models in parallel: both 200, both resident', async () => {
    const [a, b] = await Promise.all([ask(ids.a, 48), ask(ids.b, 48)]);
    expect([a.model, b.model]).toEqual([ids.a, ids.b]);
    expect(a.choices[0]!.finish_reason).toBe('length');
    expect(b.choices[0]!.finish_reason).toBe('length');
    expect(resident()).toEqual([ids.a, ids.b].sort());
    // Again, in parallel, now that both are resident: no load, no 503.
    const again = await Promise.all([ask(ids.a), ask(ids.b), ask(ids.a), ask(ids.b)]);
    expect(again.map((r) => r.model)).toEqual([ids.a, ids.b, ids.a, ids.b]);
  });

  it('a third model past the memory limit replaces the least recently used idle one', async () => {
    await ask(ids.a); // b is now the least recently used
    const c = await ask(ids.c);
    expect(c.model).toBe(ids.c);
    expect(resident()).toEqual([ids.a, ids.c].sort());
    // `/api/ps` lists both, most recently used first.
    const ps = (await (await fetch(`${server.baseUrl.replace(/\/v1$/, '')}/api/ps`)).json()) as { models: Array<{ name: string; hearth: { pinned: boolean } }> };
    expect(ps.models.map((m) => m.name)).toEqual([ids.c, ids.a]);
    expect(ps.models.every((m) => m.hearth.pinned === false)).toBe(true);
  });
});
