/**
 * The quantization lab's evaluation against simpler ways of getting the same numbers, on one model:
 *
 *   UV_THREADPOOL_SIZE=1 node --import tsx bench/labSpeed.ts <model.gguf> [textFile] [n_ctx=512] [chunks=3] [threads=2]
 *
 * * batch, no logits: each chunk evaluated in one batch, nothing read (the floor: pure llama.cpp work);
 * * lab, base pass / compare pass: what `hearth lab` does per chunk (every logit of the second half
 *   read, compressed or compared with the stored base);
 * * token by token, logits: one decode per token, the full logits read at every scored position
 *   (the plain way to get the same data);
 * * token by token, no logits: one decode per token, nothing read.
 * JSON lands in bench/results/lab-speed-<time>.json.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, type Token } from 'node-llama-cpp';
import { LabOp } from '../src/main/core/engine/labOp';
import { LAB_SAMPLE_TEXT } from '../src/main/core/lab/sampleText';
import { writeHeader, patchVocab, recordOffset } from '../src/main/core/lab/baseLogitsFile';
import { chunkTokens } from '../src/main/core/lab/labRunner';

const [modelPath, textFile, ctxArg, chunksArg, threadsArg] = process.argv.slice(2);
if (!modelPath) throw new Error('usage: bench/labSpeed.ts <model.gguf> [textFile] [n_ctx] [chunks] [threads]');
const nCtx = Number(ctxArg ?? 512);
const threads = Number(threadsArg ?? 2);
const text = textFile ? await readFile(textFile, 'utf8') : LAB_SAMPLE_TEXT;
const results: Record<string, number> = {};
const time = async (name: string, task: () => Promise<void>) => {
  const started = performance.now();
  await task();
  results[name] = performance.now() - started;
  console.log(`${name.padEnd(28)} ${(results[name]! / 1000).toFixed(2)} s`);
};

// The lab's own steps, in-process.
const lab = new LabOp({ gpu: false, maxThreads: threads });
const load = (await lab.handle({ action: 'load', modelPath, contextSize: nCtx, threads })) as { addBos: boolean; bos: number | null };
const { tokens } = (await lab.handle({ action: 'tokenize', text })) as { tokens: number[] };
const chunks = Math.min(Number(chunksArg ?? 3), Math.floor(tokens.length / nCtx));
const file = join(tmpdir(), `hearth-lab-speed-${process.pid}.logits`);
await writeHeader(file, nCtx, chunks, tokens);
let nVocab = 0;
await time('lab, base pass', async () => {
  for (let c = 0; c < chunks; c++) {
    const r = (await lab.handle({ action: 'chunk', tokens: chunkTokens(tokens, c, nCtx, load), base: { mode: 'write', file } })) as { nVocab: number };
    nVocab = r.nVocab;
  }
});
await patchVocab(file, nVocab);
await time('lab, compare pass', async () => {
  for (let c = 0; c < chunks; c++) {
    await lab.handle({ action: 'chunk', tokens: chunkTokens(tokens, c, nCtx, load), base: { mode: 'compare', file, offset: recordOffset(c, chunks, nCtx, nVocab) } });
  }
});
await lab.dispose();
await rm(file, { force: true });

// Plain node-llama-cpp on the same chunks.
const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, maxThreads: threads });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({ contextSize: nCtx, batchSize: nCtx, threads, flashAttention: true });
const sequence = context.getSequence();
const chunkOf = (c: number) => chunkTokens(tokens, c, nCtx, load) as Token[];
await time('batch, no logits', async () => {
  for (let c = 0; c < chunks; c++) {
    await sequence.clearHistory();
    await sequence.evaluateWithoutGeneratingNewTokens(chunkOf(c));
  }
});
for (const withLogits of [false, true]) {
  await time(`token by token, ${withLogits ? 'logits' : 'no logits'}`, async () => {
    for (let c = 0; c < chunks; c++) {
      const chunk = chunkOf(c);
      await sequence.clearHistory();
      for (let i = 0; i < nCtx - 1; i++) {
        const scored = withLogits && i >= nCtx / 2;
        await sequence.controlledEvaluate([scored ? [chunk[i]!, { generateNext: { logits: true } }] : [chunk[i]!, { generateNext: { token: true } }]]);
      }
    }
  });
}
await context.dispose();
await model.dispose();
await llama.dispose();

const out = { modelPath, nCtx, chunks, threads, nVocab, scoredTokens: chunks * (nCtx - 1 - nCtx / 2), ms: results };
await mkdir('bench/results', { recursive: true });
await writeFile(join('bench/results', `lab-speed-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify(out));
