/**
 * `node --import tsx bench/apiThroughput.ts`: speed of the OpenAI-compatible API server.
 *
 * 1. Single stream: tokens/s of one streamed reply through `POST /v1/chat/completions` (SSE,
 *    measured at the HTTP client from the first content delta to `[DONE]`), against node-llama-cpp
 *    used directly (`direct` of bench/run.ts: `sequence.evaluate` and `LlamaChatSession`).
 * 2. Aggregate tokens/s of 1, 2 and 4 streams at once through the API (sum of completion tokens
 *    over the wall time from the first request to the last `[DONE]`); the model is loaded with 4
 *    parallel sequences, so each stream has its own and the lockstep scheduler batches them.
 * Model: the generated SmolLM2-135M-shaped Q4_0 file; greedy, 128 new tokens, a fresh prompt per
 * request, median of REPS. Threads: 1 (BENCH_THREADS=all adds a run with every core). The server
 * and core run in this process, the engine in its own, as in the app. JSON lands in bench/results/.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../src/main/core/createCore';
import { nodeEngineLauncher } from '../src/main/core/engine/engineProcess';
import { silentLogger } from '../src/main/core/logging/logger';
import { defaultFixtureCacheDir, ensureFixtureModel } from '../src/main/fixtures/gguf/generateModel';
import { startApiServer } from '../src/main/hosts/api/apiServer';
import { WORKER_SOURCE } from '../src/main/testing/testCore';
import { direct } from './run';
import { streamChat } from './streamChat';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const NEW_TOKENS = 128;
const CONTEXT = 2048;
const STREAMS = [1, 2, 4];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface StreamRun {
  ttftMs: number;
  /** Generation speed after the first token, at the client. */
  tokensPerSecond: number;
  completionTokens: number;
  endedAt: number;
}

/** One streamed chat completion, timed at the client. */
async function streamOnce(baseUrl: string, content: string): Promise<StreamRun> {
  const reply = await streamChat(`${baseUrl}/chat/completions`, {
    model: 'bench.gguf',
    messages: [{ role: 'user', content }],
    temperature: 0,
    max_tokens: NEW_TOKENS,
    // As bench/run.ts's Hearth row: no repeat penalty, so every path samples the same way.
    repeat_penalty: 1,
  });
  const { ttftMs, completionTokens, firstAt, endedAt } = reply;
  return { ttftMs, tokensPerSecond: (completionTokens - 1) / ((endedAt - firstAt) / 1000), completionTokens, endedAt };
}

async function throughApi(modelPath: string, threads: number) {
  const root = await mkdtemp(join(tmpdir(), 'hearth-bench-api-'));
  const modelsDir = join(root, 'models');
  await mkdir(modelsDir, { recursive: true });
  await copyFile(modelPath, join(modelsDir, 'bench.gguf'));
  const core = await createCore({
    dataDir: join(root, 'data'),
    modelsDir,
    threads,
    logger: silentLogger,
    host: 'headless',
    version: 'bench',
    hub: { endpoint: 'http://127.0.0.1:9' },
    launchEngine: nodeEngineLauncher({ workerPath: WORKER_SOURCE, execArgv: ['--import', 'tsx'], gpu: false, maxThreads: threads }),
  });
  const server = await startApiServer({ core, host: '127.0.0.1', port: 0, logger: silentLogger, idleUnloadMs: 0 });
  try {
    await core.inference.loadModel({ modelId: 'bench.gguf', contextSize: CONTEXT, parallel: Math.max(...STREAMS), threads, force: true });
    let run = 0;
    const single: StreamRun[] = [];
    for (let rep = 0; rep < REPS; rep++) single.push(await streamOnce(server.baseUrl, `Run ${run++}: tell me about the history of bread in a few sentences.`));
    const aggregate: Array<{ streams: number; tokensPerSecond: number; ttftMs: number }> = [];
    for (const streams of STREAMS) {
      const reps: Array<{ tps: number; ttft: number }> = [];
      for (let rep = 0; rep < REPS; rep++) {
        const started = performance.now();
        const runs = await Promise.all(Array.from({ length: streams }, (_, i) => streamOnce(server.baseUrl, `Run ${run++} stream ${i}: tell me about the history of bread.`)));
        const wall = (Math.max(...runs.map((r) => r.endedAt)) - started) / 1000;
        reps.push({ tps: runs.reduce((sum, r) => sum + r.completionTokens, 0) / wall, ttft: median(runs.map((r) => r.ttftMs)) });
      }
      aggregate.push({ streams, tokensPerSecond: median(reps.map((r) => r.tps)), ttftMs: median(reps.map((r) => r.ttft)) });
    }
    return { ttftMs: median(single.map((r) => r.ttftMs)), tokensPerSecond: median(single.map((r) => r.tokensPerSecond)), aggregate };
  } finally {
    await server.close();
    await core.dispose('bench done');
    await rm(root, { recursive: true, force: true });
  }
}

async function main() {
  const modelPath = await ensureFixtureModel(defaultFixtureCacheDir(), { preset: 'smollm2-135m', type: 'Q4_0' });
  const threadCounts = process.env.BENCH_THREADS === 'all' ? [...new Set([1, availableParallelism()])] : [1];
  const results = [];
  for (const threads of threadCounts) {
    const [evaluate, session] = await direct(modelPath, threads);
    const api = await throughApi(modelPath, threads);
    results.push({ threads, direct: { evaluate, session }, api });
    console.log(`\nHearth API bench — SmolLM2-135M-shaped Q4_0, greedy, ${NEW_TOKENS} new tokens, median of ${REPS}, ${threads} thread(s), ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}`);
    console.table([
      { path: 'direct evaluate', 'TTFT ms': evaluate!.ttftMs.toFixed(1), 'tok/s': evaluate!.tokensPerSecond.toFixed(1), 'vs direct evaluate': '1.00' },
      { path: 'direct session', 'TTFT ms': session!.ttftMs.toFixed(1), 'tok/s': session!.tokensPerSecond.toFixed(1), 'vs direct evaluate': (session!.tokensPerSecond / evaluate!.tokensPerSecond).toFixed(2) },
      { path: 'API /v1/chat/completions (SSE)', 'TTFT ms': api.ttftMs.toFixed(1), 'tok/s': api.tokensPerSecond.toFixed(1), 'vs direct evaluate': (api.tokensPerSecond / evaluate!.tokensPerSecond).toFixed(2) },
    ]);
    const one = api.aggregate[0]!.tokensPerSecond;
    console.table(api.aggregate.map((a) => ({ streams: a.streams, 'aggregate tok/s': a.tokensPerSecond.toFixed(1), 'vs 1 stream': (a.tokensPerSecond / one).toFixed(2), 'median TTFT ms': a.ttftMs.toFixed(1) })));
  }
  const outDir = new URL('./results/', import.meta.url);
  await mkdir(outDir, { recursive: true });
  const file = new URL(`api-throughput-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, outDir);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), reps: REPS, newTokens: NEW_TOKENS, cores: availableParallelism(), results }, null, 2));
  console.log(`written ${file.pathname}`);
}

await main();
