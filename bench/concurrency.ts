/**
 * `npm run bench` (second part): the engine as a shared service under concurrent load.
 *
 * 1. Aggregate generation speed of 1, 2, 4 and 8 replies at once through the real app
 *    (`hearth serve` + WebSocket clients, like browser tabs or API clients), for 1 thread and for
 *    all cores, as a ratio to one stream. The model is loaded with `parallel` = the stream count,
 *    so every reply has its own sequence and the lockstep scheduler batches them.
 *    Reference: llama.cpp's own server on the same machine gives ~1.9× for 4 streams at 1 thread
 *    (shared/notes/engine-performance.md: 317 vs ~165 tok/s).
 * 2. Stop during prompt processing: a ~3.7k-token history, Stop sent 150 ms after the first
 *    prompt-progress chunk; prints how long the reply took to end after Stop.
 * Model: generated SmolLM2-135M-shaped Q4_0; greedy, 128 new tokens, a fresh prompt per stream.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHearth } from '../e2e/support/hearthServer';
import { RpcClient } from '../e2e/support/rpcClient';
import { defaultFixtureCacheDir, ensureFixtureModel } from '../src/main/fixtures/gguf/generateModel';
import type { ChatChunk, ChatResult } from '../src/shared/dto';
import { startLlamaServer } from './llamaServer';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const NEW_TOKENS = 128;
const STREAMS = [1, 2, 4, 8];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Row {
  engine: 'hearth' | 'llama-server';
  threads: number;
  streams: number;
  /** Sum of completion tokens over the wall time from first request to last result. */
  aggregateTokensPerSecond: number;
  ratioToOneStream: number;
  /** Median time to first token of the streams. */
  ttftMs: number;
}

async function measure(rpcs: RpcClient[], threads: number, streams: number, run: number): Promise<{ tps: number; ttft: number }> {
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: streams }, (_, i) =>
      rpcs[i % rpcs.length]!.call<ChatResult>('inference.chat', {
        requestId: `t${threads}-s${streams}-r${run}-${i}`,
        messages: [{ role: 'user', content: `Run ${run} stream ${i}: tell me about the history of bread.` }],
        params: { temperature: 0, maxTokens: NEW_TOKENS, repeatPenalty: 1 },
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const tokens = results.reduce((sum, r) => sum + r.stats.completionTokens, 0);
  return { tps: tokens / seconds, ttft: median(results.map((r) => r.stats.timeToFirstTokenMs)) };
}

async function stopDuringPrompt(rpc: RpcClient): Promise<{ promptTokens: number; stopMs: number }> {
  await rpc.call('inference.loadModel', { modelId: 'bench.gguf', contextSize: 4096, parallel: 1 });
  const messages = Array.from({ length: 40 }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: `turn ${i}: ` + 'the quick brown fox jumps over the lazy dog and keeps running '.repeat(4),
  }));
  let stopAt = 0;
  let asked = false;
  const result = await rpc.call<ChatResult>('inference.chat', { requestId: 'stop-bench', messages, params: { maxTokens: 8 } }, (chunk) => {
    if ((chunk as ChatChunk).type !== 'prompt' || asked) return;
    asked = true;
    setTimeout(() => {
      stopAt = performance.now();
      void rpc.call('inference.stop', { requestId: 'stop-bench' });
    }, 150);
  });
  return { promptTokens: result.stats.promptTokens, stopMs: performance.now() - stopAt };
}

async function main() {
  const modelPath = await ensureFixtureModel(defaultFixtureCacheDir(), { preset: 'smollm2-135m', type: 'Q4_0' });
  const modelsDir = await mkdtemp(join(tmpdir(), 'hearth-bench-concurrency-'));
  await copyFile(modelPath, join(modelsDir, 'bench.gguf'));
  const rows: Row[] = [];
  let stop: { promptTokens: number; stopMs: number } | undefined;
  for (const threads of [...new Set([1, availableParallelism()])]) {
    const server = await startHearth({ modelsDir, threads });
    // Several connections, like several tabs or API clients.
    const rpcs = await Promise.all([0, 1, 2, 3].map(() => RpcClient.connect(server.origin, server.token)));
    try {
      let single = 0;
      for (const streams of STREAMS) {
        await rpcs[0]!.call('inference.loadModel', { modelId: 'bench.gguf', contextSize: 1024, threads, parallel: streams });
        await measure(rpcs, threads, streams, -1); // warm-up
        const runs = [];
        for (let rep = 0; rep < REPS; rep++) runs.push(await measure(rpcs, threads, streams, rep));
        const tps = median(runs.map((r) => r.tps));
        if (streams === 1) single = tps;
        rows.push({ engine: 'hearth', threads, streams, aggregateTokensPerSecond: tps, ratioToOneStream: tps / single, ttftMs: median(runs.map((r) => r.ttft)) });
        console.error(`threads ${threads}, ${streams} streams: ${tps.toFixed(1)} tok/s`);
      }
      if (threads === 1) stop = await stopDuringPrompt(rpcs[0]!);
    } finally {
      for (const rpc of rpcs) rpc.close();
      await server.stop();
    }
  }
  await rm(modelsDir, { recursive: true, force: true });
  if (process.env.LLAMA_SERVER) rows.push(...(await referenceRows(process.env.LLAMA_SERVER, modelPath)));

  console.log(`\nHearth concurrency bench — SmolLM2-135M-shaped Q4_0, greedy, ${NEW_TOKENS} new tokens per stream, median of ${REPS}, ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}`);
  console.table(
    rows.map((r) => ({
      engine: r.engine,
      threads: r.threads,
      streams: r.streams,
      'aggregate tok/s': r.aggregateTokensPerSecond.toFixed(1),
      'vs 1 stream': r.ratioToOneStream.toFixed(2),
      'median TTFT ms': Number.isNaN(r.ttftMs) ? '' : r.ttftMs.toFixed(0),
    })),
  );
  if (stop) console.log(`Stop during prompt processing: a ${stop.promptTokens}-token prompt ended ${stop.stopMs.toFixed(0)} ms after Stop.`);
  const outDir = new URL('./results/', import.meta.url);
  await mkdir(outDir, { recursive: true });
  const file = new URL(`concurrency-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, outDir);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), reps: REPS, newTokens: NEW_TOKENS, cores: availableParallelism(), rows, stop }, null, 2));
  console.log(`written ${file.pathname}`);
}

/** The same loads on llama.cpp's own server (`-np streams`), when LLAMA_SERVER names its binary. */
async function referenceRows(binary: string, modelPath: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const threads of [...new Set([1, availableParallelism()])]) {
    let single = 0;
    for (const streams of STREAMS) {
      const server = await startLlamaServer(binary, modelPath, { parallel: streams, threads, contextPerSlot: 1024 });
      try {
        await server.measure(streams, NEW_TOKENS, -1);
        const runs = [];
        for (let rep = 0; rep < REPS; rep++) runs.push((await server.measure(streams, NEW_TOKENS, rep)).tokensPerSecond);
        const tps = median(runs);
        if (streams === 1) single = tps;
        rows.push({ engine: 'llama-server', threads, streams, aggregateTokensPerSecond: tps, ratioToOneStream: tps / single, ttftMs: Number.NaN });
        console.error(`llama-server threads ${threads}, ${streams} streams: ${tps.toFixed(1)} tok/s`);
      } finally {
        await server.stop();
      }
    }
  }
  return rows;
}

await main();
