import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatResult } from '../../../shared/dto';
import { fixtureModel, populateModelsDir } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import type { Core } from '../createCore';

// The fleet with real engine processes and generated models: several models resident, each in its
// own process; LRU eviction of idle models; pins; a fair wait for busy ones; a crash that takes
// down one model only; the cores shared among engines generating at once.

type TestCore = Awaited<ReturnType<typeof createTestCore>>;
let counter = 0;

function reply(core: Core, modelId: string, maxTokens: number, content = 'hello there') {
  const chunks: string[] = [];
  const result = core.inference.chat(
    { requestId: `fleet-${++counter}`, modelId, messages: [{ role: 'user', content }], params: { temperature: 0, maxTokens } },
    { signal: new AbortController().signal, emit: (chunk) => chunk.type === 'tokens' && chunks.push(chunk.text) },
  );
  result.catch(() => {});
  return { result, chunks };
}

async function addQ8(modelsDir: string): Promise<string> {
  const id = 'hearth-tiny-q8_0.gguf';
  await copyFile(await fixtureModel({ preset: 'tiny', type: 'Q8_0' }), join(modelsDir, id));
  return id;
}

async function until(condition: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`condition not met in ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('two models at once', () => {
  let env: TestCore;
  let ids: { a: string; b: string };
  beforeAll(async () => {
    // Two threads per engine and two cores to share, so the split is visible.
    env = await createTestCore({}, undefined, { cores: 2, maxThreads: 2 });
    // SmolLM2-135M-shaped: slow enough (tens of ms per token) that two replies surely overlap.
    ids = { a: 'smollm-q4_0.gguf', b: 'smollm-q8_0.gguf' };
    await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' }), join(env.modelsDir, ids.a));
    await copyFile(await fixtureModel({ preset: 'smollm2-135m', type: 'Q8_0' }), join(env.modelsDir, ids.b));
    await env.core.inference.loadModel({ modelId: ids.a, contextSize: 1024, parallel: 2, threads: 2, force: true });
    await env.core.inference.loadModel({ modelId: ids.b, contextSize: 1024, parallel: 2, threads: 2, force: true });
  });
  afterAll(() => env.cleanup());

  it('keeps both resident, each alone in its own engine process', async () => {
    const { core } = env;
    const state = core.inference.getState();
    expect(state.models.map((m) => m.modelId).sort()).toEqual([ids.a, ids.b].sort());
    expect(state.models.every((m) => m.pinned)).toBe(true);
    // Most recently used first: b was loaded last, and requests without a model go to it.
    expect(state.loaded?.modelId).toBe(ids.b);
    const [pa, pb] = [core.fleet.engineOf(ids.a).enginePid, core.fleet.engineOf(ids.b).enginePid];
    expect(pa).toBeDefined();
    expect(pa).not.toBe(pb);
    expect(await core.fleet.engineStatus(ids.a)).toMatchObject({ residentModels: 1 });
    expect(await core.fleet.engineStatus(ids.b)).toMatchObject({ residentModels: 1 });
  });

  it('answers on both at once, with the texts each gives alone, and shares the cores while both generate', async () => {
    const { core } = env;
    const alone = [(await reply(core, ids.a, 100).result).text, (await reply(core, ids.b, 100).result).text];
    const a = reply(core, ids.a, 100);
    const b = reply(core, ids.b, 100);
    let both = false;
    let shared = false;
    const settled = Promise.all([a.result, b.result]).then(() => true);
    let done = false;
    void settled.then(() => (done = true));
    await until(async () => {
      if (done) return true;
      const models = core.inference.getState().models;
      if (!models.every((m) => m.activeRequests > 0)) return false;
      both = true;
      const limits = await Promise.all([ids.a, ids.b].map((id) => core.fleet.engineStatus(id).then((s) => s.maxThreads)));
      shared ||= limits.every((limit) => limit === 1);
      return shared;
    });
    const [ra, rb] = await Promise.all([a.result, b.result]);
    expect(both).toBe(true);
    expect(shared).toBe(true);
    expect([ra.text, rb.text]).toEqual(alone);
    expect(a.chunks.join('')).toBe(ra.text);
    // Alone again, an engine gets every core back.
    await reply(core, ids.a, 8).result;
    expect((await core.fleet.engineStatus(ids.a)).maxThreads).toBe(2);
  });

  it('a killed engine takes down its own model only: its callers get ENGINE_CRASHED, the other model keeps streaming', async () => {
    const { core } = env;
    const expected = (await reply(core, ids.b, 60, 'still here').result).text;
    const victim = reply(core, ids.a, 600);
    const survivor = reply(core, ids.b, 60, 'still here');
    await until(() => victim.chunks.length > 0);
    process.kill(core.fleet.engineOf(ids.a).enginePid!, 'SIGKILL');
    await expect(victim.result).rejects.toMatchObject({ code: 'ENGINE_CRASHED' });
    const survived: ChatResult = await survivor.result;
    expect(survived.text).toBe(expected);
    expect(survived.stats.stopReason).toBe('length');
    await until(() => core.inference.getState().models.length === 1);
    expect(core.inference.getState().models[0]!.modelId).toBe(ids.b);
    // The crashed model can be loaded again, in a fresh process.
    await core.inference.loadModel({ modelId: ids.a, contextSize: 1024, parallel: 1, force: true });
    expect((await reply(core, ids.a, 4).result).stats.completionTokens).toBe(4);
  });
});

describe('residency: LRU eviction of idle models, pins, a fair wait for busy ones', () => {
  let env: TestCore;
  let ids: { a: string; b: string; c: string };
  const settings = { contextSize: 256, parallel: 1, force: true };
  const resident = () => env.core.inference.getState().models.map((m) => m.modelId).sort();
  beforeAll(async () => {
    // A cap of two models makes eviction deterministic whatever the machine's memory.
    env = await createTestCore({}, undefined, { maxModels: 2, admissionWaitMs: 30_000 });
    const populated = await populateModelsDir(env.modelsDir);
    ids = { a: populated.tinyId, b: populated.looseId, c: await addQ8(env.modelsDir) };
  });
  afterAll(() => env.cleanup());

  const onDemand = (modelId: string, signal = new AbortController().signal, positions: number[] = []) =>
    env.core.inference.acquire({ modelId, ...settings }, { idleTtlMs: 0, wait: { signal, emit: (chunk) => positions.push(chunk.position) } });

  it('evicts the least recently used idle model that is not pinned', async () => {
    await env.core.inference.loadModel({ modelId: ids.a, ...settings });
    (await onDemand(ids.b)).release();
    expect(resident()).toEqual([ids.a, ids.b].sort());
    expect(env.core.inference.getState().models.find((m) => m.modelId === ids.b)?.pinned).toBe(false);
    // a is pinned, b idle: c replaces b, though a was used longer ago.
    (await onDemand(ids.c)).release();
    expect(resident()).toEqual([ids.a, ids.c].sort());
  });

  it('a request for a model that does not fit waits while the others are busy, is told its place, then runs', async () => {
    const held = await onDemand(ids.c); // c busy, a pinned: no room for b
    const positions: number[] = [];
    let admitted = false;
    const waiting = onDemand(ids.b, new AbortController().signal, positions).then((lease) => {
      admitted = true;
      return lease;
    });
    await until(() => positions.length > 0);
    expect(positions).toEqual([1]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(admitted).toBe(false);
    expect(resident()).toEqual([ids.a, ids.c].sort());
    held.release();
    const lease = await waiting;
    expect(resident()).toEqual([ids.a, ids.b].sort());
    lease.release();
  });

  it('never evicts a pinned model for an on-demand request: BUSY with the reason', async () => {
    await env.core.inference.loadModel({ modelId: ids.b, ...settings }); // pins b: a and b both pinned
    await expect(onDemand(ids.c)).rejects.toMatchObject({ code: 'BUSY', retryAfterMs: expect.any(Number), message: expect.stringMatching(/loaded in the app stay/) });
    expect(resident()).toEqual([ids.a, ids.b].sort());
  });

  it('a load the user asks for replaces the least recently used idle model, pinned or not', async () => {
    const before = env.core.inference.getState().models.map((m) => m.modelId);
    await env.core.inference.loadModel({ modelId: ids.c, ...settings });
    // The most recently used stays (models are listed most recent first).
    expect(resident()).toEqual([before[0]!, ids.c].sort());
  });

  it('unloads one model, or all', async () => {
    await env.core.inference.unloadModel({ modelId: ids.c });
    expect(resident()).toHaveLength(1);
    await env.core.inference.unloadModel({});
    expect(resident()).toEqual([]);
  });
});

describe('idle unload of models loaded on demand', () => {
  let env: TestCore;
  let ids: { a: string; b: string };
  beforeAll(async () => {
    env = await createTestCore();
    const populated = await populateModelsDir(env.modelsDir);
    ids = { a: populated.tinyId, b: populated.looseId };
  });
  afterAll(() => env.cleanup());

  it('unloads an unpinned model after its idle time, never while held, and never a pinned one', async () => {
    await env.core.inference.loadModel({ modelId: ids.a, contextSize: 256, parallel: 1, force: true });
    const lease = await env.core.inference.acquire({ modelId: ids.b, contextSize: 256, parallel: 1, force: true }, { idleTtlMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(env.core.inference.getState().models.map((m) => m.modelId).sort()).toEqual([ids.a, ids.b].sort());
    lease.release();
    expect(env.core.inference.getState().models.find((m) => m.modelId === ids.b)?.idleUnloadAt).toEqual(expect.any(String));
    await until(() => env.core.inference.getState().models.length === 1, 10_000);
    expect(env.core.inference.getState().models[0]).toMatchObject({ modelId: ids.a, pinned: true });
    expect(env.core.inference.getState().models[0]!.idleUnloadAt).toBeUndefined();
  });
});
