/**
 * `npm run bench` (third part): is the fit estimate right? Loads the generated SmolLM2-135M-shaped
 * model in F16, Q8_0 and Q4_0 through the whole core (real engine process, CPU), each in a fresh
 * engine process, at two context sizes, and prints:
 * - predicted: the fit estimate for the load (weights + KV cache + compute buffers),
 * - resident: growth of the engine's RSS over the load (after one warm-up decode), what the app
 *   shows after every load,
 * - peak: growth of the engine's peak RSS once a prompt has filled ~90 % of the context, which
 *   touches every KV cell and the attention buffers — the worst case the estimate is for.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { defaultFixtureCacheDir, ensureFixtureModel, type FixtureType } from '../src/main/fixtures/gguf/generateModel';
import { conversationOf } from '../src/main/testing/fillContext';
import { createTestCore } from '../src/main/testing/testCore';
import { formatBytes } from '../src/shared/format';

const TYPES: FixtureType[] = ['F16', 'Q8_0', 'Q4_0'];
const CONTEXTS = [2048, 8192];
const pct = (measured: number, predicted: number) => Math.round(((measured - predicted) / predicted) * 1000) / 10;

async function main() {
  const rows: Array<Record<string, string | number>> = [];
  for (const type of TYPES) {
    for (const contextSize of CONTEXTS) {
      const test = await createTestCore();
      try {
        const id = `smollm2-135m-${type.toLowerCase()}.gguf`;
        await mkdir(test.modelsDir, { recursive: true });
        await copyFile(await ensureFixtureModel(defaultFixtureCacheDir(), { preset: 'smollm2-135m', type }), join(test.modelsDir, id));
        // Start the engine and llama.cpp first, so the baseline holds everything but the model.
        await test.core.fleet.hardwareView();
        const before = await test.core.fleet.engineStatus();
        const loaded = await test.core.inference.loadModel({ modelId: id, contextSize, parallel: 1 });
        const memory = loaded.memory;
        if (!memory) throw new Error(`no memory check for ${id}`);
        const reply = await test.core.fleet.generate(
          { requestId: 'fill', messages: conversationOf(Math.round(contextSize * 0.9)), params: { maxTokens: 4, temperature: 0 } },
          { signal: new AbortController().signal, emit: () => {} },
        );
        const after = await test.core.fleet.engineStatus();
        const peak = after.peakRssBytes - before.rssBytes;
        rows.push({
          model: `SmolLM2-135M ${type}`,
          context: contextSize,
          'prompt tokens': reply.stats.promptTokens,
          predicted: formatBytes(memory.predicted.ramBytes),
          resident: formatBytes(memory.measured.ramBytes),
          'resident err %': memory.errorPercent,
          'peak (context filled)': formatBytes(peak),
          'peak err %': pct(peak, memory.predicted.ramBytes),
        });
        console.error(`${type} ${contextSize}: done`);
      } finally {
        await test.cleanup();
      }
    }
  }
  console.log(`\nHearth fit check — predicted vs measured memory of a load (CPU), ${cpus()[0]?.model ?? 'cpu'} x${availableParallelism()}`);
  console.table(rows);
  const outDir = new URL('./results/', import.meta.url);
  await mkdir(outDir, { recursive: true });
  const file = new URL(`fit-check-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, outDir);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
  console.log(`written ${file.pathname}`);
}

await main();
