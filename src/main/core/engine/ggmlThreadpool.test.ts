import { afterEach, describe, expect, it } from 'vitest';
import { fixtureModel } from '../../testing/fixtureModels';
import { WORKER_SOURCE } from '../../testing/testCore';
import { silentLogger } from '../logging/logger';
import { EngineClient } from './engineClient';
import { nodeEngineLauncher } from './engineProcess';
import { THREADPOOL_ABI, threadpoolRefusal } from './ggmlThreadpool';
import type { GenerateRequest } from './protocol';

const clients: EngineClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

function engine(env: Record<string, string> = {}): EngineClient {
  const launch = nodeEngineLauncher({ workerPath: WORKER_SOURCE, execArgv: ['--import', 'tsx'], gpu: false, maxThreads: 2, env });
  const client = new EngineClient({ launch, logger: silentLogger, onStatus: () => {}, onLoadProgress: () => {} });
  clients.push(client);
  return client;
}

const TOKENS = 32;
const request: GenerateRequest = { op: 'generate', requestId: 'kept', messages: [{ role: 'user', content: 'tell me a story' }], params: { temperature: 0, maxTokens: TOKENS } };

describe("ggml's threads kept between decodes (src/native/ggmlThreadpool.c)", () => {
  it.runIf(process.platform === 'linux')('an engine at 2 threads decodes every token on one kept pool and writes what an engine without it writes', async () => {
    const modelPath = await fixtureModel({ preset: 'tiny', type: 'Q4_0' });
    const load = { op: 'load', modelPath, contextSize: 256, threads: 2, parallel: 1, gpuLayers: 0, flashAttention: true } as const;

    const kept = engine();
    const before = (await kept.call({ op: 'status' })).ggmlThreadpool;
    // Built on install (scripts/buildNative.mjs, needs a C compiler); its absence is a failure here, not a skip.
    expect(before, 'the helper should be loaded in the engine process').toMatchObject({ loaded: true, reason: null, pooled: 0 });
    await kept.call(load);
    const reply = await kept.call(request);
    const after = (await kept.call({ op: 'status' })).ggmlThreadpool;
    expect(reply.stats.completionTokens).toBe(TOKENS);
    // One pool, made once, as wide as the load's threads; every generated token's decode ran on it.
    expect(after).toMatchObject({ loaded: true, pools: 1, widest: 2 });
    expect(after.pooled).toBeGreaterThanOrEqual(TOKENS);
    expect(after.computes).toBeGreaterThanOrEqual(after.pooled);

    const plain = engine({ HEARTH_GGML_THREADPOOL: 'off' });
    await plain.call(load);
    const status = (await plain.call({ op: 'status' })).ggmlThreadpool;
    expect(status).toMatchObject({ loaded: false, reason: 'turned off (HEARTH_GGML_THREADPOOL=off)', pooled: 0 });
    const same = await plain.call({ ...request, requestId: 'plain' });
    expect(new Set(reply.text).size).toBeGreaterThan(3);
    expect(same.text).toBe(reply.text);
  }, 180_000);

  it('is loaded only on Linux, when built, and with the node-llama-cpp and llama.cpp it declares', () => {
    const fits = { env: {}, platform: 'linux' as const, built: true, versions: { ...THREADPOOL_ABI } };
    expect(threadpoolRefusal(fits)).toBeNull();
    expect(threadpoolRefusal({ ...fits, env: { HEARTH_GGML_THREADPOOL: 'off' } })).toBe('turned off (HEARTH_GGML_THREADPOOL=off)');
    expect(threadpoolRefusal({ ...fits, platform: 'darwin' })).toBe('not available on darwin');
    expect(threadpoolRefusal({ ...fits, built: false, versions: null })).toMatch(/^not built/);
    expect(threadpoolRefusal({ ...fits, versions: { nodeLlamaCpp: '3.23.0', llamaCpp: 'v0.6.0' } })).toBe(
      `written for node-llama-cpp ${THREADPOOL_ABI.nodeLlamaCpp} (llama.cpp ${THREADPOOL_ABI.llamaCpp}), found 3.23.0 (v0.6.0)`,
    );
  });
});
