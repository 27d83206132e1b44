import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getLlama, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabProgress, LabRun } from '../../../shared/labDto';
import { fixtureModel } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import type { Core } from '../createCore';
import { recordSlots } from './klDivergence';
import { scoredPerChunk } from './labRunner';
import { LAB_SAMPLE_TEXT } from './sampleText';

// The lab on real llama.cpp: the same seeded weights written as F32, F16, Q8_0 and Q4_0 (the tiny
// preset), plus a byte-identical copy of the F32 file, measured in the lab's own engine process.
const CONTEXT = 128;
const CHUNKS = 4;
const TYPES = ['F32', 'F16', 'Q8_0', 'Q4_0'] as const;
const id = (type: string) => `hearth-test/tiny-GGUF/hearth-tiny-${type.toLowerCase()}.gguf`;
const COPY = 'copies/hearth-tiny-f32-copy.gguf';
// The generated models give newline (a byte token they suppress) a logit thousands of nats below
// the rest, which no real model does; the text here is the bundled one on a single line.
const TEXT = { name: 'sample, one line', content: LAB_SAMPLE_TEXT.replace(/\s+/g, ' ') };

let env: Awaited<ReturnType<typeof createTestCore>>;
let core: Core;
let run: LabRun;
const progress: LabProgress[] = [];
let logitsFile: string;

beforeAll(async () => {
  env = await createTestCore();
  core = env.core;
  await mkdir(join(env.modelsDir, 'hearth-test/tiny-GGUF'), { recursive: true });
  await mkdir(join(env.modelsDir, 'copies'), { recursive: true });
  for (const type of TYPES) await copyFile(await fixtureModel({ preset: 'tiny', type }), join(env.modelsDir, id(type)));
  await copyFile(await fixtureModel({ preset: 'tiny', type: 'F32' }), join(env.modelsDir, COPY));
  logitsFile = join(env.dataDir, 'kept.logits');
  run = await core.lab.run(
    { modelIds: [COPY, id('Q4_0'), id('F16'), id('Q8_0'), id('F32')], baseModelId: id('F32'), contextSize: CONTEXT, chunks: CHUNKS, text: TEXT },
    { signal: new AbortController().signal, emit: (chunk) => progress.push(chunk) },
    { keepLogitsFile: logitsFile },
  );
}, 300_000);
afterAll(() => env?.cleanup());

const file = (modelId: string) => run.files.find((candidate) => candidate.modelId === modelId)!;

describe('quantization lab', () => {
  it('measures every file, base first, on chunks of n_ctx with the second half scored', () => {
    expect(run.status).toBe('done');
    expect(run.files.map((f) => f.modelId)).toEqual([id('F32'), COPY, id('Q4_0'), id('F16'), id('Q8_0')]);
    expect(run.chunks).toBe(CHUNKS);
    expect(run.scoredTokens).toBe(CHUNKS * (CONTEXT - 1 - CONTEXT / 2));
    for (const f of run.files) {
      expect(f.ppl).toBeGreaterThan(1);
      expect(f.ppTokensPerSecond).toBeGreaterThan(0);
      expect(f.tgTokensPerSecond).toBeGreaterThan(0);
      expect(f.loadMs).toBeGreaterThan(0);
      expect(f.bitsPerWeight).toBeGreaterThan(0);
    }
    expect(file(id('F32')).isBase).toBe(true);
    expect(file(id('Q4_0')).size).toBeLessThan(file(id('Q8_0')).size);
  });

  it('gives a file against itself a KL divergence of 0 and 100 % top-token agreement', () => {
    const copy = file(COPY);
    // Only the 16-bit storage of the base's log-probabilities separates them.
    expect(Math.abs(copy.kldMean)).toBeLessThan(1e-5);
    expect(copy.sameTopPercent).toBe(100);
    expect(copy.pplRatio).toBeCloseTo(1, 4);
  });

  it('KL divergence grows and top-token agreement falls from F16 to Q8_0 to Q4_0', () => {
    const [f16, q8, q4] = [file(id('F16')), file(id('Q8_0')), file(id('Q4_0'))];
    expect(f16.kldMean).toBeGreaterThan(file(COPY).kldMean);
    expect(q8.kldMean).toBeGreaterThan(f16.kldMean);
    expect(q4.kldMean).toBeGreaterThan(q8.kldMean);
    expect(q8.rmsDeltaP).toBeGreaterThan(f16.rmsDeltaP);
    expect(q4.rmsDeltaP).toBeGreaterThan(q8.rmsDeltaP);
    expect(f16.sameTopPercent).toBeGreaterThanOrEqual(q8.sameTopPercent);
    expect(q8.sameTopPercent).toBeGreaterThan(q4.sameTopPercent);
    for (const f of [f16, q8, q4]) expect(f.kldStderr).toBeGreaterThan(0);
  });

  it("writes the base log-probabilities in llama-perplexity's --kl-divergence-base format", async () => {
    const bytes = await readFile(logitsFile);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('_logits_');
    expect(bytes.readUInt32LE(8)).toBe(CONTEXT);
    const nVocab = bytes.readInt32LE(12);
    expect(nVocab).toBe(400);
    expect(bytes.readInt32LE(16)).toBe(CHUNKS);
    expect(bytes.length).toBe(20 + CHUNKS * CONTEXT * 4 + CHUNKS * scoredPerChunk(CONTEXT) * recordSlots(nVocab) * 2);
  });

  it('streams progress with an ETA and ends at 100 %', () => {
    expect(progress.some((p) => p.phase === 'evaluating' && p.etaMs !== null && p.etaMs > 0)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', fraction: 1 });
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('keeps the run for this machine and exports it as CSV, JSON and Markdown', async () => {
    const listed = (await core.dispatch('lab.listResults', {})) as LabRun[];
    expect(listed.map((r) => r.id)).toEqual([run.id]);
    const csv = (await core.dispatch('lab.export', { runId: run.id, format: 'csv' })) as { text: string; fileName: string };
    const lines = csv.text.trim().split('\r\n');
    expect(lines).toHaveLength(run.files.length + 1);
    expect(lines[0]).toContain('size,bitsPerWeight');
    expect(csv.fileName).toMatch(/\.csv$/);
    const json = (await core.dispatch('lab.export', { runId: run.id, format: 'json' })) as { text: string };
    expect(JSON.parse(json.text)).toEqual(run);
    const md = (await core.dispatch('lab.export', { runId: run.id, format: 'markdown' })) as { text: string };
    expect(md.text).toContain('| hearth-tiny-q4_0.gguf | Q4_0 |');
    expect(await core.lab.quality({ id: id('Q4_0') })).toMatchObject({ kldMean: file(id('Q4_0')).kldMean, source: { runId: run.id } });
    expect(await core.lab.quality({ id: id('F32') })).toBeNull();
  });

  it("'s perplexity equals an independent token-by-token computation on the same chunks", async () => {
    const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, maxThreads: 1 });
    const model = await llama.loadModel({ modelPath: join(env.modelsDir, id('F32')) });
    const context = await model.createContext({ contextSize: CONTEXT, threads: 1, flashAttention: true });
    const sequence = context.getSequence();
    try {
      const tokens = [model.tokens.bos!, ...model.tokenize(TEXT.content)];
      let nll = 0;
      let count = 0;
      for (let c = 0; c < CHUNKS; c++) {
        const chunk = tokens.slice(c * CONTEXT, (c + 1) * CONTEXT);
        chunk[0] = model.tokens.bos!;
        await sequence.clearHistory();
        const first = CONTEXT / 2;
        await sequence.evaluateWithoutGeneratingNewTokens(chunk.slice(0, first));
        for (let i = first; i < CONTEXT - 1; i++) {
          // One token at a time (the lab evaluates a chunk as one batch); log-softmax in double.
          const [out] = await sequence.controlledEvaluate([[chunk[i]!, { generateNext: { logits: true } }]]);
          const logits = [...out!.next.logits!.values()];
          const max = Math.max(...logits);
          const logSumExp = max + Math.log(logits.reduce((sum, value) => sum + Math.exp(value - max), 0));
          nll += logSumExp - out!.next.logits!.get(chunk[i + 1] as Token)!;
          count++;
        }
      }
      expect(count).toBe(run.scoredTokens);
      const ppl = Math.exp(nll / count);
      // Batched and one-token kernels round differently (about 1e-4 nats per token on F32).
      expect(Math.abs(file(id('F32')).ppl / ppl - 1)).toBeLessThan(1e-3);
    } finally {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    }
  });

  it('cancels a run: the files finished so far are kept, and the lab can run again', async () => {
    const controller = new AbortController();
    const seen: LabProgress[] = [];
    const cancelled = await core.lab.run(
      { modelIds: [id('F16'), id('Q4_0')], contextSize: CONTEXT },
      {
        signal: controller.signal,
        emit: (p) => {
          seen.push(p);
          if (p.modelIndex === 2 && p.phase === 'evaluating') void core.dispatch('lab.cancel', {});
        },
      },
    );
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.files.map((f) => f.modelId)).toEqual([id('F16')]);
    await expect(core.dispatch('lab.run', { modelIds: [id('F16')] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const short = core.lab.run({ modelIds: [id('F16'), id('Q8_0')], contextSize: 8192 }, { signal: controller.signal, emit: () => {} });
    await expect(short).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/need at least 16384/) });
  });
});
