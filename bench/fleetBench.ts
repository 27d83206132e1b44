/**
 * `npm run bench:fleet`: several models at once, through the API of `hearth serve` (a process, its
 * engines in their own processes, as users run it).
 *
 * 1. Aggregate generation speed of 2 models × 2 streams against 1 model × 4 streams. The "two
 *    models" are two copies of the same generated SmolLM2-135M-shaped Q4_0 file, so the work is the
 *    same and only the split across engine processes differs. Greedy, 128 new tokens per stream,
 *    aggregate tok/s = completion tokens / wall time, median of REPS after a warm-up.
 * 2. Time from request to first token when the model must be loaded first (nothing resident), and
 *    when another, idle model must first be evicted (`--max-models 1`).
 * JSON lands in bench/results/.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHearth, type HearthServer } from '../e2e/support/hearthServer';
import { physicalCores } from '../src/main/core/engine/threads';
import { defaultFixtureCacheDir, ensureFixtureModel } from '../src/main/fixtures/gguf/generateModel';
import { streamChat } from './streamChat';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const NEW_TOKENS = 128;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function apiBase(server: HearthServer): Promise<string> {
  for (let tries = 0; tries < 50; tries++) {
    const url = server.stdoutLines().map((line) => /^Hearth API at (\S+)\/v1/.exec(line)?.[1]).find(Boolean);
    if (url) return url;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no API line');
}

let prompt = 0;
/** One streamed completion: completion tokens, time to first token, end time. */
async function stream(base: string, model: string, maxTokens = NEW_TOKENS) {
  const reply = await streamChat(`${base}/v1/chat/completions`, {
    model,
    messages: [{ role: 'user', content: `Run ${++prompt}: tell me about the history of bread.` }],
    temperature: 0,
    max_tokens: maxTokens,
  });
  return { tokens: reply.completionTokens, ttftMs: reply.ttftMs, endedAt: reply.endedAt };
}

async function aggregate(base: string, models: string[]): Promise<number> {
  await Promise.all(models.map((model) => stream(base, model))); // warm-up
  const runs: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const started = performance.now();
    const results = await Promise.all(models.map((model) => stream(base, model)));
    runs.push(results.reduce((sum, r) => sum + r.tokens, 0) / ((Math.max(...results.map((r) => r.endedAt)) - started) / 1000));
  }
  return median(runs);
}

async function withServer<T>(modelsDir: string, args: string[], run: (base: string, server: HearthServer) => Promise<T>): Promise<T> {
  const server = await startHearth({ modelsDir, threads: physicalCores(), args: ['--api-port', '0', ...args] });
  try {
    return await run(await apiBase(server), server);
  } finally {
    await server.stop();
  }
}

async function main() {
  const source = await ensureFixtureModel(defaultFixtureCacheDir(), { preset: 'smollm2-135m', type: 'Q4_0' });
  const modelsDir = await mkdtemp(join(tmpdir(), 'hearth-bench-fleet-'));
  await copyFile(source, join(modelsDir, 'one.gguf'));
  await copyFile(source, join(modelsDir, 'two.gguf'));
  // Context 1024 per stream; parallel sequences as each setup needs (the API loads with these defaults).
  const rpcLoad = async (server: HearthServer, modelId: string, parallel: number) => {
    const { RpcClient } = await import('../e2e/support/rpcClient');
    const rpc = await RpcClient.connect(server.origin, server.token);
    try {
      await rpc.call('inference.loadModel', { modelId, contextSize: 1024, parallel, force: true });
    } finally {
      rpc.close();
    }
  };
  const oneModel = await withServer(modelsDir, [], async (base, server) => {
    await rpcLoad(server, 'one.gguf', 4);
    return aggregate(base, ['one.gguf', 'one.gguf', 'one.gguf', 'one.gguf']);
  });
  const twoModels = await withServer(modelsDir, [], async (base, server) => {
    await rpcLoad(server, 'one.gguf', 2);
    await rpcLoad(server, 'two.gguf', 2);
    return aggregate(base, ['one.gguf', 'one.gguf', 'two.gguf', 'two.gguf']);
  });
  const coldLoad: number[] = [];
  const evictThenLoad: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    coldLoad.push(await withServer(modelsDir, [], async (base) => (await stream(base, 'one.gguf', 8)).ttftMs));
    evictThenLoad.push(
      await withServer(modelsDir, ['--max-models', '1'], async (base) => {
        await stream(base, 'two.gguf', 8);
        return (await stream(base, 'one.gguf', 8)).ttftMs;
      }),
    );
  }
  const warm = await withServer(modelsDir, [], async (base) => {
    await stream(base, 'one.gguf', 8);
    const runs = [];
    for (let rep = 0; rep < REPS; rep++) runs.push((await stream(base, 'one.gguf', 8)).ttftMs);
    return median(runs);
  });
  await rm(modelsDir, { recursive: true, force: true });

  console.log(`\nFleet bench — SmolLM2-135M-shaped Q4_0, ${physicalCores()} threads, greedy, ${NEW_TOKENS} tokens per stream, median of ${REPS}, ${cpus()[0]?.model ?? 'cpu'}`);
  console.table([
    { setup: '1 model × 4 streams', 'aggregate tok/s': oneModel.toFixed(1), ratio: '1.00' },
    { setup: '2 models × 2 streams', 'aggregate tok/s': twoModels.toFixed(1), ratio: (twoModels / oneModel).toFixed(2) },
  ]);
  console.table([
    { case: 'model resident', 'TTFT ms': warm.toFixed(0) },
    { case: 'model loaded first', 'TTFT ms': median(coldLoad).toFixed(0) },
    { case: 'idle model evicted, then loaded', 'TTFT ms': median(evictThenLoad).toFixed(0) },
  ]);
  const outDir = new URL('./results/', import.meta.url);
  await mkdir(outDir, { recursive: true });
  const file = new URL(`fleet-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, outDir);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), reps: REPS, oneModel, twoModels, ttftMs: { warm, coldLoad, evictThenLoad } }, null, 2));
  console.log(`written ${fileURLToPath(file)}`);
}

await main();
