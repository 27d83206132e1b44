/**
 * `npm run bench:speed`: Hearth against llama.cpp's own server, side by side, so a regression in
 * the engine's speed is visible.
 *
 * For each model (the generated SmolLM2-135M-shaped and Llama-3.2-1B-shaped files, Q4_0), each
 * thread count from 1 to the physical cores, and 1 and 4 streams at once:
 *   hearth       – `hearth serve --api-port 0` started as a process (the engine in its own, as in
 *                  the app), the model loaded with 4 parallel sequences of 1024 tokens
 *   llama-server – built from the llama.cpp source node-llama-cpp bundles by
 *                  bench/buildLlamaServer.sh (or `LLAMA_SERVER=<binary>`), `-np 4 -c 4096`;
 *                  skipped with a message when it cannot be built (no cmake)
 * Both are driven by the same client: streamed `POST /v1/chat/completions`, greedy, 128 new tokens,
 * a fresh prompt per stream, usage from `stream_options.include_usage`. Aggregate tok/s = completion
 * tokens of all streams / wall time from the requests to the last `[DONE]`; median of REPS after a
 * warm-up. The last table compares best against best (each engine at its fastest thread count).
 * Models are generated once into ~/.cache/hearth-bench (HEARTH_BENCH_CACHE); BENCH_MODELS=135m or 1b
 * runs one. JSON lands in bench/results/.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHearth } from '../e2e/support/hearthServer';
import { RpcClient } from '../e2e/support/rpcClient';
import { physicalCores } from '../src/main/core/engine/threads';
import { ensureFixtureModel, type FixturePreset } from '../src/main/fixtures/gguf/generateModel';
import { startLlamaServer } from './llamaServer';
import { streamChat } from './streamChat';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const NEW_TOKENS = 128;
const CONTEXT_PER_STREAM = 1024;
const STREAMS = [1, 4] as const;
const PARALLEL = 4;
const MODELS: Array<{ key: string; preset: FixturePreset; label: string }> = [
  { key: '135m', preset: 'smollm2-135m', label: 'SmolLM2-135M-shaped Q4_0' },
  { key: '1b', preset: 'llama3.2-1b', label: 'Llama-3.2-1B-shaped Q4_0' },
];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Row {
  model: string;
  engine: 'hearth' | 'llama-server';
  threads: number;
  streams: number;
  tokensPerSecond: number;
  ttftMs: number;
}

/** One streamed chat completion: completion tokens, first-token time and end time (performance.now()). */
function streamOnce(baseUrl: string, model: string | undefined, content: string) {
  return streamChat(`${baseUrl}/v1/chat/completions`, {
    ...(model ? { model } : {}),
    messages: [{ role: 'user', content }],
    temperature: 0,
    max_tokens: NEW_TOKENS,
    repeat_penalty: 1,
    // llama-server's; Hearth's generated models never emit EOS (special tokens are suppressed).
    ignore_eos: true,
  });
}

let promptCounter = 0;
/** `streams` replies at once; aggregate tok/s over the wall time, and the median time to first token. */
async function measure(baseUrl: string, model: string | undefined, streams: number) {
  const started = performance.now();
  const runs = await Promise.all(
    Array.from({ length: streams }, (_, i) => streamOnce(baseUrl, model, `Run ${++promptCounter} stream ${i}: tell me about the history of bread.`)),
  );
  const wall = (Math.max(...runs.map((r) => r.endedAt)) - started) / 1000;
  return { tokensPerSecond: runs.reduce((sum, r) => sum + r.completionTokens, 0) / wall, ttftMs: median(runs.map((r) => r.ttftMs)) };
}

async function series(model: string, engine: Row['engine'], threads: number, baseUrl: string, modelName: string | undefined): Promise<Row[]> {
  const rows: Row[] = [];
  for (const streams of STREAMS) {
    await measure(baseUrl, modelName, streams); // warm-up
    const reps = [];
    for (let rep = 0; rep < REPS; rep++) reps.push(await measure(baseUrl, modelName, streams));
    const row = { model, engine, threads, streams, tokensPerSecond: median(reps.map((r) => r.tokensPerSecond)), ttftMs: median(reps.map((r) => r.ttftMs)) };
    console.error(`${model} ${engine} threads ${threads} streams ${streams}: ${row.tokensPerSecond.toFixed(1)} tok/s (runs ${reps.map((r) => r.tokensPerSecond.toFixed(1)).join(', ')})`);
    rows.push(row);
  }
  return rows;
}

async function hearthRows(model: string, modelPath: string, threads: number): Promise<Row[]> {
  const modelsDir = await mkdtemp(join(tmpdir(), 'hearth-bench-speed-'));
  await copyFile(modelPath, join(modelsDir, 'bench.gguf'));
  const server = await startHearth({ modelsDir, threads, args: ['--api-port', '0'] });
  const rpc = await RpcClient.connect(server.origin, server.token);
  try {
    let apiUrl: string | undefined;
    for (let tries = 0; !apiUrl && tries < 50; tries++) {
      apiUrl = server.stdoutLines().map((line) => /^Hearth API at (\S+)\/v1/.exec(line)?.[1]).find(Boolean);
      if (!apiUrl) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!apiUrl) throw new Error(`no API line in: ${server.stdoutLines().join('\n')}`);
    const baseUrl = apiUrl;
    await rpc.call('inference.loadModel', { modelId: 'bench.gguf', contextSize: CONTEXT_PER_STREAM, threads, parallel: PARALLEL, force: true });
    return await series(model, 'hearth', threads, baseUrl, 'bench.gguf');
  } finally {
    rpc.close();
    await server.stop();
    await rm(modelsDir, { recursive: true, force: true });
  }
}

async function llamaServerRows(binary: string, model: string, modelPath: string, threads: number): Promise<Row[]> {
  const server = await startLlamaServer(binary, modelPath, { parallel: PARALLEL, threads, contextPerSlot: CONTEXT_PER_STREAM });
  try {
    return await series(model, 'llama-server', threads, server.baseUrl, undefined);
  } finally {
    await server.stop();
  }
}

/** The llama-server binary: LLAMA_SERVER, else built (or found) by bench/buildLlamaServer.sh; undefined when it cannot be had. */
function findLlamaServer(): string | undefined {
  if (process.env.LLAMA_SERVER) return process.env.LLAMA_SERVER;
  const script = fileURLToPath(new URL('./buildLlamaServer.sh', import.meta.url));
  console.error('Finding or building llama-server (bench/buildLlamaServer.sh; the first build takes ~10 min on 2 cores)…');
  const built = spawnSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = built.status === 0 ? built.stdout.trim().split('\n').at(-1) : undefined;
  return path || undefined;
}

async function main() {
  const cacheDir = process.env.HEARTH_BENCH_CACHE ?? join(homedir(), '.cache', 'hearth-bench');
  await mkdir(cacheDir, { recursive: true });
  const cores = physicalCores();
  const threadCounts = Array.from({ length: cores }, (_, i) => i + 1);
  const wanted = process.env.BENCH_MODELS?.split(',');
  const binary = findLlamaServer();
  if (!binary) console.error('llama-server is not available: the reference rows are skipped.');
  const rows: Row[] = [];
  for (const { preset, label } of MODELS.filter((m) => !wanted || wanted.includes(m.key))) {
    console.error(`Generating or reusing ${label} in ${cacheDir}…`);
    const modelPath = await ensureFixtureModel(cacheDir, { preset, type: 'Q4_0' });
    for (const threads of threadCounts) {
      rows.push(...(await hearthRows(label, modelPath, threads)));
      if (binary) rows.push(...(await llamaServerRows(binary, label, modelPath, threads)));
    }
  }

  console.log(`\nEngine speed — greedy, ${NEW_TOKENS} new tokens per stream, median of ${REPS}, ${cpus()[0]?.model ?? 'cpu'}, ${cores} physical cores`);
  console.table(rows.map((r) => ({ model: r.model, engine: r.engine, threads: r.threads, streams: r.streams, 'tok/s': r.tokensPerSecond.toFixed(1), 'TTFT ms': r.ttftMs.toFixed(0) })));
  const best = bestAgainstBest(rows);
  if (best.length) {
    console.log('Best against best (each engine at its fastest thread count):');
    console.table(best);
  }
  const outDir = new URL('./results/', import.meta.url);
  await mkdir(outDir, { recursive: true });
  const file = new URL(`engine-speed-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, outDir);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), reps: REPS, newTokens: NEW_TOKENS, cores, llamaServer: binary ?? null, rows, best }, null, 2));
  console.log(`written ${fileURLToPath(file)}`);
}

function bestAgainstBest(rows: Row[]) {
  const out = [];
  for (const model of [...new Set(rows.map((r) => r.model))]) {
    for (const streams of STREAMS) {
      const pick = (engine: Row['engine']) =>
        rows.filter((r) => r.model === model && r.streams === streams && r.engine === engine).sort((a, b) => b.tokensPerSecond - a.tokensPerSecond)[0];
      const hearth = pick('hearth');
      const reference = pick('llama-server');
      if (!hearth || !reference) continue;
      out.push({
        model,
        streams,
        'hearth tok/s (threads)': `${hearth.tokensPerSecond.toFixed(1)} (${hearth.threads})`,
        'llama-server tok/s (threads)': `${reference.tokensPerSecond.toFixed(1)} (${reference.threads})`,
        'hearth / llama-server': (hearth.tokensPerSecond / reference.tokensPerSecond).toFixed(2),
      });
    }
  }
  return out;
}

await main();
