import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchOverview, BenchProgress, BenchResult } from '../../../shared/benchDto';
import type { LoadedModel } from '../../../shared/dto';
import { fixtureModel } from '../../testing/fixtureModels';
import { WORKER_SOURCE } from '../../testing/testCore';
import { createCore, type Core } from '../createCore';
import { nodeEngineLauncher } from '../engine/engineProcess';
import { silentLogger } from '../logging/logger';

// The benchmark through the whole core: a real engine process of its own, a generated model, the
// result kept on disk, and a load without `threads` taking the fastest count. Small token counts:
// these are properties of the sweep, not speed claims (those go to bench/).
const MODEL_ID = 'hearth-test/tiny-GGUF/hearth-tiny-q4_0.gguf';
let core: Core;
let root: string;
const call = <T>(method: string, args: unknown = {}, emit?: (chunk: BenchProgress) => void) =>
  core.dispatch(method, args, emit ? { emit: emit as (chunk: unknown) => void } : {}) as Promise<T>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-bench-'));
  const modelsDir = join(root, 'models');
  await mkdir(dirname(join(modelsDir, MODEL_ID)), { recursive: true });
  await copyFile(await fixtureModel({ preset: 'tiny', type: 'Q4_0' }), join(modelsDir, MODEL_ID));
  core = await createCore({
    dataDir: join(root, 'data'),
    modelsDir,
    threads: 1,
    logger: silentLogger,
    host: 'headless',
    version: 'test',
    hub: { endpoint: 'http://127.0.0.1:9' },
    // Two threads allowed, so a tuned count of 2 can take effect in the chat engine.
    launchEngine: nodeEngineLauncher({ workerPath: WORKER_SOURCE, execArgv: ['--import', 'tsx'], gpu: false, maxThreads: 2 }),
  });
});
afterAll(async () => {
  await core.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('bench.run', () => {
  let result: BenchResult;
  const progress: BenchProgress[] = [];

  beforeAll(async () => {
    result = await call<BenchResult>('bench.run', { modelId: MODEL_ID, threads: [1, 2], promptTokens: 64, genTokens: 16, repetitions: 2 }, (p) => progress.push(p));
  }, 180_000);

  it('measures pp, tg and time to first token for every thread count, and streams progress', () => {
    expect(result.runs.map((run) => run.threads)).toEqual([1, 2]);
    for (const run of result.runs) {
      expect(run.ppTokensPerSecond).toBeGreaterThan(0);
      expect(run.tgTokensPerSecond).toBeGreaterThan(0);
      expect(run.timeToFirstTokenMs).toBeGreaterThan(0);
      expect(run.ppStdDev).toBeGreaterThanOrEqual(0);
    }
    expect(result).toMatchObject({ modelId: MODEL_ID, backend: 'cpu', gpuLayers: 0, promptTokens: 64, genTokens: 16, repetitions: 2 });
    expect(result.loadMs).toBeGreaterThan(0);
    expect(result.memory.peakRssBytes).toBeGreaterThan(0);
    expect(result.bytesPerToken).toBeGreaterThan(0);
    expect(progress[0]).toEqual({ type: 'loading' });
    expect(progress.filter((p) => p.type === 'run').map((p) => (p.type === 'run' ? p.done : 0))).toEqual([1, 2]);
  });

  it('keeps the fastest generation as the tuned thread count, and the bandwidth it implies', async () => {
    const fastest = [...result.runs].sort((a, b) => b.tgTokensPerSecond - a.tgTokensPerSecond)[0]!;
    expect(result.bestThreads).toBe(fastest.threads);
    expect(result.bandwidth.cpuBytesPerSecond).toBeCloseTo(result.bytesPerToken * fastest.tgTokensPerSecond, 0);
    const overview = await call<BenchOverview>('bench.getResults');
    expect(overview.results).toEqual([result]);
    expect(overview.tunedThreads).toEqual({ [MODEL_ID]: result.bestThreads });
    expect(overview.machine.cpu).toMatchObject({ source: 'measured', modelId: MODEL_ID, bytesPerSecond: result.bandwidth.cpuBytesPerSecond });
    const stored = JSON.parse(await readFile(join(root, 'data', 'benchmarks.json'), 'utf8')) as { schemaVersion: number };
    expect(stored.schemaVersion).toBe(1);
  });

  it('a load without threads uses the tuned count; an explicit one still wins', async () => {
    const tuned = await call<LoadedModel>('inference.loadModel', { modelId: MODEL_ID, contextSize: 256 });
    expect(tuned.settings.threads).toBe(result.bestThreads);
    const other = result.bestThreads === 1 ? 2 : 1;
    const explicit = await call<LoadedModel>('inference.loadModel', { modelId: MODEL_ID, contextSize: 256, threads: other });
    expect(explicit.settings.threads).toBe(other);
  });

  it('refuses while replies are being generated, and leaves the loaded model in place', async () => {
    const loaded = core.fleet.primary!;
    const reply = call('inference.chat', { requestId: 'busy-1', messages: [{ role: 'user', content: 'hi' }], params: { maxTokens: 400, temperature: 0 } });
    await expect.poll(() => core.fleet.getState().activeRequests.length, { timeout: 30_000 }).toBe(1);
    await expect(call('bench.run', { modelId: MODEL_ID, threads: [1], promptTokens: 8, genTokens: 4, repetitions: 1 })).rejects.toMatchObject({ code: 'BUSY' });
    await reply;
    expect(core.fleet.primary).toEqual(loaded);
  });
});
