/**
 * `node --import tsx bench/gatewayBench.ts`: what Hearth as a gateway costs (issue 16). One Hearth
 * (the remote: core, engine, API server) serves the model; a second Hearth has it as provider
 * `remote` and forwards. The same streamed chat completion is sent straight to the remote and
 * through the gateway, alternating (so drift on the machine hits both alike), each with a fresh
 * prompt of the same length; TTFT and tok/s are measured at the HTTP client (bench/streamChat.ts).
 * Model: the generated SmolLM2-135M-shaped Q4_0 file, greedy, 128 new tokens, 1 thread, median of
 * REPS. Both Hearths run in this process (their engines in their own), on this one machine: the
 * difference is the gateway's overhead (one more HTTP hop, SSE parse and re-framing).
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../src/main/core/createCore';
import { nodeEngineLauncher } from '../src/main/core/engine/engineProcess';
import { silentLogger } from '../src/main/core/logging/logger';
import { defaultFixtureCacheDir, ensureFixtureModel } from '../src/main/fixtures/gguf/generateModel';
import { startApiServer } from '../src/main/hosts/api/apiServer';
import { WORKER_SOURCE } from '../src/main/testing/testCore';
import { streamChat } from './streamChat';

const REPS = Number(process.env.BENCH_REPS ?? 5);
const NEW_TOKENS = 128;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function hearth(root: string, name: string): Promise<Core> {
  await mkdir(join(root, name, 'models'), { recursive: true });
  return createCore({
    dataDir: join(root, name, 'data'),
    modelsDir: join(root, name, 'models'),
    threads: 1,
    logger: silentLogger,
    host: 'headless',
    version: 'bench',
    hub: { endpoint: 'http://127.0.0.1:9' },
    launchEngine: nodeEngineLauncher({ workerPath: WORKER_SOURCE, execArgv: ['--import', 'tsx'], gpu: false, maxThreads: 1 }),
  });
}

async function main(): Promise<void> {
  const modelPath = await ensureFixtureModel(defaultFixtureCacheDir(), { preset: 'smollm2-135m', type: 'Q4_0' });
  const root = await mkdtemp(join(tmpdir(), 'hearth-bench-gateway-'));
  const remote = await hearth(root, 'remote');
  const gateway = await hearth(root, 'gateway');
  await copyFile(modelPath, join(root, 'remote', 'models', 'bench.gguf'));
  const remoteServer = await startApiServer({ core: remote, host: '127.0.0.1', port: 0, logger: silentLogger, idleUnloadMs: 0 });
  const gatewayServer = await startApiServer({ core: gateway, host: '127.0.0.1', port: 0, logger: silentLogger, idleUnloadMs: 0 });
  try {
    await remote.inference.loadModel({ modelId: 'bench.gguf', contextSize: 2048, parallel: 1, threads: 1, force: true });
    await gateway.providers.add({ name: 'remote', baseUrl: remoteServer.baseUrl });
    const paths = [
      { path: 'direct (remote Hearth)', url: `${remoteServer.baseUrl}/chat/completions`, model: 'bench.gguf' },
      { path: 'through the gateway', url: `${gatewayServer.baseUrl}/chat/completions`, model: 'remote/bench.gguf' },
    ];
    const runs = new Map<string, Array<{ ttftMs: number; tokensPerSecond: number }>>(paths.map((p) => [p.path, []]));
    let n = 0;
    // One warm-up each (first request pays the prompt-template and connection set-up), then alternating.
    for (let rep = -1; rep < REPS; rep++) {
      for (const p of paths) {
        const reply = await streamChat(p.url, { model: p.model, messages: [{ role: 'user', content: `Run ${String(n++).padStart(3, '0')}: tell me about the history of bread.` }], temperature: 0, max_tokens: NEW_TOKENS, repeat_penalty: 1 });
        if (reply.completionTokens !== NEW_TOKENS) throw new Error(`${p.path}: ${reply.completionTokens} tokens instead of ${NEW_TOKENS}`);
        if (rep >= 0) runs.get(p.path)!.push({ ttftMs: reply.ttftMs, tokensPerSecond: (reply.completionTokens - 1) / ((reply.endedAt - reply.firstAt) / 1000) });
      }
    }
    const summary = paths.map((p) => ({ path: p.path, ttftMs: median(runs.get(p.path)!.map((r) => r.ttftMs)), tokensPerSecond: median(runs.get(p.path)!.map((r) => r.tokensPerSecond)) }));
    const [direct, through] = summary as [(typeof summary)[0], (typeof summary)[0]];
    console.log(`\nGateway bench — SmolLM2-135M-shaped Q4_0, greedy, ${NEW_TOKENS} new tokens, median of ${REPS}, 1 thread, ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}`);
    console.table(summary.map((s) => ({ path: s.path, 'TTFT ms': s.ttftMs.toFixed(1), 'tok/s': s.tokensPerSecond.toFixed(1) })));
    const overhead = { ttftMs: through.ttftMs - direct.ttftMs, tokensPerSecondPercent: ((through.tokensPerSecond - direct.tokensPerSecond) / direct.tokensPerSecond) * 100 };
    console.log(`Gateway overhead: TTFT ${overhead.ttftMs >= 0 ? '+' : ''}${overhead.ttftMs.toFixed(1)} ms, tok/s ${overhead.tokensPerSecondPercent >= 0 ? '+' : ''}${overhead.tokensPerSecondPercent.toFixed(1)} %`);
    await mkdir(new URL('./results/', import.meta.url), { recursive: true });
    const file = new URL(`./results/gateway-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, import.meta.url);
    await writeFile(file, `${JSON.stringify({ reps: REPS, newTokens: NEW_TOKENS, cpu: cpus()[0]?.model, runs: Object.fromEntries(runs), summary, overhead }, null, 2)}\n`);
  } finally {
    await gatewayServer.close();
    await remoteServer.close();
    await gateway.dispose('bench done');
    await remote.dispose('bench done');
    await rm(root, { recursive: true, force: true });
  }
}

await main();
