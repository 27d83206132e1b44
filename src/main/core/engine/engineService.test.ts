import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatArgs, ChatChunk, ChatResult } from '../../../shared/dto';
import { populateModelsDir } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import type { Core } from '../createCore';

// The shared engine service against a real engine process: serialised loads, the queue, per-caller
// streams, cancellation, and the watchdog. Two or more callers at once in every test.
let core: Core;
let cleanup: () => Promise<void>;
let ids: Awaited<ReturnType<typeof populateModelsDir>>;
let counter = 0;

const MAX_QUEUE = 3;

beforeAll(async () => {
  // Short enough to keep the hang tests quick, long enough that a worker busy loading on a loaded
  // 2-core machine (heartbeats every 1 s) is not mistaken for a hung one.
  const test = await createTestCore({ maxQueue: MAX_QUEUE, watchdog: { hangTimeoutMs: 4_000 } });
  core = test.core;
  cleanup = test.cleanup;
  ids = await populateModelsDir(test.modelsDir);
});
afterAll(() => cleanup());

interface Caller {
  chunks: ChatChunk[];
  controller: AbortController;
  result: Promise<ChatResult>;
}

function chat(params: ChatArgs['params'], content = 'hello there', requestId = `s${++counter}`): Caller {
  const chunks: ChatChunk[] = [];
  const controller = new AbortController();
  const result = core.fleet.generate(
    { requestId, messages: [{ role: 'user', content }], params },
    { signal: controller.signal, emit: (chunk) => chunks.push(chunk) },
  );
  result.catch(() => {});
  return { chunks, controller, result };
}

const text = (caller: Caller) => caller.chunks.flatMap((c) => (c.type === 'tokens' ? [c.text] : [])).join('');

describe('EngineService', () => {
  it('serialises two loads at once: the second replaces the first, exactly one model stays resident', async () => {
    const [first, second] = await Promise.all([
      core.inference.loadModel({ modelId: ids.tinyId, parallel: 4 }),
      core.inference.loadModel({ modelId: ids.looseId, parallel: 4 }),
    ]);
    expect(first.modelId).toBe(ids.tinyId);
    expect(second.modelId).toBe(ids.looseId);
    expect(core.fleet.getState().loaded?.modelId).toBe(ids.looseId);
    expect(await core.fleet.engineStatus()).toMatchObject({ residentModels: 1, activeGenerations: 0, parallel: 4 });
  });

  it('streams each reply to its own caller only; texts equal the results', async () => {
    const a = chat({ temperature: 0, maxTokens: 90 }, 'first caller');
    const b = chat({ temperature: 0, maxTokens: 90 }, 'second caller');
    const [ra, rb] = await Promise.all([a.result, b.result]);
    expect(text(a)).toBe(ra.text);
    expect(text(b)).toBe(rb.text);
    expect(ra.text).not.toBe(rb.text);
    // Batched across the process boundary: far fewer chunks than tokens.
    const tokenChunks = a.chunks.filter((c) => c.type === 'tokens');
    expect(tokenChunks.reduce((n, c) => n + (c.type === 'tokens' ? c.tokenCount : 0), 0)).toBe(ra.stats.completionTokens);
    expect(tokenChunks.length).toBeLessThanOrEqual(ra.stats.completionTokens / 3);
    expect(a.chunks.some((c) => c.type === 'prompt' && c.processed === c.total)).toBe(true);
  });

  it('queues requests beyond the sequences in FIFO order, and refuses past the queue cap with a retry hint', async () => {
    const params = { temperature: 0.8, seed: 1, maxTokens: 120 };
    const running = [0, 1, 2, 3].map(() => chat(params));
    const queued = [0, 1, 2].map(() => chat(params));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(core.fleet.getState()).toMatchObject({ queuedRequests: MAX_QUEUE });
    expect(core.fleet.getState().activeRequests).toHaveLength(4);
    expect(queued.map((q) => q.chunks[0])).toEqual([1, 2, 3].map((position) => ({ type: 'queued', position })));
    const overflow = chat(params);
    await expect(overflow.result).rejects.toMatchObject({ code: 'BUSY', retryAfterMs: expect.any(Number) });
    // Reloading the model now would cut replies short: refused with a clear error (another model would load beside it: fleet.test.ts).
    await expect(core.inference.loadModel({ modelId: core.fleet.primary!.modelId })).rejects.toMatchObject({ code: 'BUSY' });
    const results = await Promise.all([...running, ...queued].map((c) => c.result));
    expect(results.every((r) => r.stats.completionTokens === 120)).toBe(true);
    const waits = results.slice(4).map((r) => r.stats.queuedMs);
    expect(Math.min(...waits)).toBeGreaterThan(0);
    expect(queued[0]!.chunks.filter((c) => c.type === 'queued').length).toBeGreaterThanOrEqual(1);
    expect(core.fleet.getState()).toMatchObject({ queuedRequests: 0, activeRequests: [] });
  });

  it('a caller that goes away cancels its reply, running or queued', async () => {
    const params = { temperature: 0.8, seed: 2, maxTokens: 400 };
    const callers = [0, 1, 2, 3, 4].map(() => chat(params));
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const caller of callers) caller.controller.abort();
    const results = await Promise.all(callers.map((c) => c.result));
    expect(results.every((r) => r.stats.stopReason === 'abort')).toBe(true);
    expect(results[4]!.stats.completionTokens).toBe(0);
    expect((await core.fleet.engineStatus()).activeGenerations).toBe(0);
  });

  it('unload during replies ends them with stop reason abort and fails the queued ones', async () => {
    const params = { temperature: 0.8, seed: 3, maxTokens: 400 };
    const callers = [0, 1, 2, 3, 4].map(() => chat(params));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(core.inference.unloadModel()).resolves.toEqual({ unloaded: true });
    const settled = await Promise.allSettled(callers.map((c) => c.result));
    expect(settled.slice(0, 4).map((s) => s.status === 'fulfilled' && s.value.stats.stopReason)).toEqual(['abort', 'abort', 'abort', 'abort']);
    expect(settled[4]).toMatchObject({ status: 'rejected', reason: { code: 'MODEL_NOT_LOADED' } });
    expect(await core.fleet.engineStatus()).toMatchObject({ residentModels: 0, activeGenerations: 0 });
  });

  it('kills an engine that stops answering at the deadline, reports it, and the next call works', async () => {
    await core.inference.loadModel({ modelId: ids.tinyId, parallel: 2 });
    const pid = core.fleet.engineOf().enginePid;
    const started = Date.now();
    await expect(core.fleet.engineOf().hangForTest(30_000)).rejects.toMatchObject({ code: 'ENGINE_HUNG' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(core.fleet.getState()).toMatchObject({ engine: { state: 'crashed' }, loaded: null });
    expect(core.fleet.getState().engine.lastError).toMatch(/stopped responding/);
    await core.inference.loadModel({ modelId: ids.tinyId, parallel: 2 });
    expect(core.fleet.engineOf().enginePid).not.toBe(pid);
    await expect(chat({ temperature: 0, maxTokens: 5 }).result).resolves.toMatchObject({ stats: { completionTokens: 5 } });
  });

  it('finds a frozen engine (SIGSTOP): chat, stop and unload answer, and the state stops saying ready', async () => {
    await core.inference.loadModel({ modelId: ids.tinyId, parallel: 2 });
    const pid = core.fleet.engineOf().enginePid!;
    const reply = chat({ temperature: 0.8, seed: 4, maxTokens: 400 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    process.kill(pid, 'SIGSTOP');
    const stop = core.fleet.stop(core.fleet.getState().activeRequests[0]!);
    await expect(reply.result).rejects.toMatchObject({ code: 'ENGINE_HUNG' });
    await expect(stop).rejects.toMatchObject({ code: 'ENGINE_HUNG' });
    await expect(core.inference.unloadModel()).resolves.toEqual({ unloaded: false });
    expect(core.fleet.getState().engine.state).toBe('crashed');

    // Idle and frozen: found by the watchdog without any call.
    await core.inference.loadModel({ modelId: ids.tinyId, parallel: 2 });
    process.kill(core.fleet.engineOf().enginePid!, 'SIGSTOP');
    await expect.poll(() => core.fleet.getState().engine.state, { timeout: 10_000 }).toBe('crashed');
    await core.inference.loadModel({ modelId: ids.tinyId, parallel: 2 });
    await expect(chat({ temperature: 0, maxTokens: 3 }).result).resolves.toMatchObject({ stats: { completionTokens: 3 } });
  });
});
