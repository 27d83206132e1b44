/**
 * `npm run bench`: speed of Hearth's chat path against node-llama-cpp used directly.
 *
 * Model: the generated SmolLM2-135M-shaped Q4_0 file. Greedy, 128 new tokens, a fresh prompt per
 * run (so no run profits from the previous one's KV cache), median of REPS runs, for 1 thread and
 * for all cores. Rows:
 *   direct evaluate  – node-llama-cpp in this process, chat prompt rendered by the model's chat
 *                      wrapper, then `sequence.evaluate` (the fastest API; Hearth's engine uses it)
 *   direct session   – node-llama-cpp's `LlamaChatSession.prompt` (the usual way to call it)
 *   hearth (UI path) – `hearth serve` started as a process; a WebSocket client calls
 *                      `inference.chat` like the UI; TTFT and tok/s measured at the client
 * Prints a table with ratios to "direct evaluate" and writes JSON to bench/results/.
 */
import { mkdir, mkdtemp, copyFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getLlama, LlamaChatSession, LlamaLogLevel, resolveChatWrapper, type Token } from 'node-llama-cpp';
import { startHearth } from '../e2e/support/hearthServer';
import { RpcClient } from '../e2e/support/rpcClient';
import { defaultFixtureCacheDir, ensureFixtureModel } from '../src/main/fixtures/gguf/generateModel';
import type { ChatResult } from '../src/shared/dto';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const NEW_TOKENS = 128;
const CONTEXT = 2048;
const prompt = (run: number) => `Run ${run}: tell me about the history of bread in a few sentences.`;

interface Row {
  setup: string;
  threads: number;
  ttftMs: number;
  tokensPerSecond: number;
  /** Messages that carried the reply's text across the process boundary (UI path only). */
  messagesPerReply?: number;
  /** Generation speed as the engine itself measured it (UI path only), to cross-check the client's clock. */
  engineTokensPerSecond?: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** node-llama-cpp used directly (also the baseline of `bench/apiThroughput.ts`). */
export async function direct(modelPath: string, threads: number): Promise<Row[]> {
  const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, maxThreads: threads, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const wrapper = resolveChatWrapper(model);
  const evalRuns: Array<{ ttft: number; tps: number }> = [];
  const sessionRuns: Array<{ ttft: number; tps: number }> = [];
  let run = 0;
  for (let rep = 0; rep < REPS; rep++) {
    // sequence.evaluate on the wrapper-rendered prompt.
    {
      const context = await model.createContext({ contextSize: CONTEXT, threads });
      const sequence = context.getSequence();
      const { contextText } = wrapper.generateContextState({
        chatHistory: [{ type: 'user', text: prompt(run++) }, { type: 'model', response: [] }],
      });
      const tokens = contextText.tokenize(model.tokenizer);
      const started = performance.now();
      let first = 0;
      let count = 0;
      for await (const _token of sequence.evaluate(tokens as Token[], { temperature: 0 })) {
        if (count === 0) first = performance.now();
        if (++count >= NEW_TOKENS) break;
      }
      const ended = performance.now();
      evalRuns.push({ ttft: first - started, tps: (count - 1) / ((ended - first) / 1000) });
      await context.dispose();
    }
    // LlamaChatSession.prompt.
    {
      const context = await model.createContext({ contextSize: CONTEXT, threads });
      const session = new LlamaChatSession({ contextSequence: context.getSequence(), chatWrapper: wrapper });
      const started = performance.now();
      let first = 0;
      let chunks = 0;
      await session.prompt(prompt(run++), {
        temperature: 0,
        maxTokens: NEW_TOKENS,
        onTextChunk: () => {
          if (chunks++ === 0) first = performance.now();
        },
      });
      const ended = performance.now();
      sessionRuns.push({ ttft: first - started, tps: (NEW_TOKENS - 1) / ((ended - first) / 1000) });
      await context.dispose();
    }
  }
  await model.dispose();
  await llama.dispose();
  return [
    { setup: 'direct evaluate', threads, ttftMs: median(evalRuns.map((r) => r.ttft)), tokensPerSecond: median(evalRuns.map((r) => r.tps)) },
    { setup: 'direct session', threads, ttftMs: median(sessionRuns.map((r) => r.ttft)), tokensPerSecond: median(sessionRuns.map((r) => r.tps)) },
  ];
}

async function throughHearth(modelPath: string, threads: number): Promise<Row> {
  const modelsDir = await mkdtemp(join(tmpdir(), 'hearth-bench-models-'));
  await copyFile(modelPath, join(modelsDir, 'bench.gguf'));
  const server = await startHearth({ modelsDir, threads });
  const rpc = await RpcClient.connect(server.origin, server.token);
  try {
    await rpc.call('inference.loadModel', { modelId: 'bench.gguf', contextSize: CONTEXT, threads });
    const runs: Array<{ ttft: number; tps: number; messages: number; engineTps: number }> = [];
    for (let rep = 0; rep < REPS; rep++) {
      const requestId = `bench-${rep}`;
      let first = 0;
      let messages = 0;
      const started = performance.now();
      const result = await rpc.call<ChatResult>(
        'inference.chat',
        {
          requestId,
          messages: [{ role: 'user', content: prompt(1000 + rep) }],
          params: { temperature: 0, maxTokens: NEW_TOKENS, repeatPenalty: 1 },
        },
        (chunk) => {
          if ((chunk as { type: string }).type !== 'tokens') return;
          if (first === 0) first = performance.now();
          messages++;
        },
      );
      const ended = performance.now();
      runs.push({
        ttft: first - started,
        tps: (result.stats.completionTokens - 1) / ((ended - first) / 1000),
        messages,
        engineTps: result.stats.tokensPerSecond,
      });
    }
    return {
      setup: 'hearth (UI path)',
      threads,
      ttftMs: median(runs.map((r) => r.ttft)),
      tokensPerSecond: median(runs.map((r) => r.tps)),
      messagesPerReply: median(runs.map((r) => r.messages)),
      engineTokensPerSecond: median(runs.map((r) => r.engineTps)),
    };
  } finally {
    rpc.close();
    await server.stop();
    await rm(modelsDir, { recursive: true, force: true });
  }
}

async function main() {
  const modelPath = await ensureFixtureModel(defaultFixtureCacheDir(), { preset: 'smollm2-135m', type: 'Q4_0' });
  const threadCounts = [...new Set([1, availableParallelism()])];
  const rows: Row[] = [];
  for (const threads of threadCounts) {
    rows.push(...(await direct(modelPath, threads)));
    rows.push(await throughHearth(modelPath, threads));
  }
  const baseline = (threads: number) => rows.find((r) => r.setup === 'direct evaluate' && r.threads === threads)!;
  const table = rows.map((r) => ({
    setup: r.setup,
    threads: r.threads,
    'TTFT ms': r.ttftMs.toFixed(1),
    'tok/s': r.tokensPerSecond.toFixed(1),
    'tok/s vs direct evaluate': (r.tokensPerSecond / baseline(r.threads).tokensPerSecond).toFixed(2),
    'TTFT vs direct evaluate': (r.ttftMs / baseline(r.threads).ttftMs).toFixed(2),
    'msgs/reply': r.messagesPerReply?.toString() ?? '',
    'engine tok/s': r.engineTokensPerSecond?.toFixed(1) ?? '',
  }));
  console.log(`\nHearth bench — SmolLM2-135M-shaped Q4_0, greedy, ${NEW_TOKENS} new tokens, median of ${REPS}, ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}`);
  console.table(table);
  const outDir = new URL('./results/', import.meta.url);
  await mkdir(outDir, { recursive: true });
  const file = new URL(`foundation-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, outDir);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), reps: REPS, newTokens: NEW_TOKENS, cores: availableParallelism(), rows }, null, 2));
  console.log(`written ${file.pathname}`);
}

// Run only as a script: `bench/apiThroughput.ts` imports `direct` from here.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
