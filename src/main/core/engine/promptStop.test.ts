import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel } from '../../testing/fixtureModels';
import { EngineRuntime } from './engineRuntime';

// Stop while a long history is being read: the prompt is evaluated in chunks with an abort check
// between them, so Stop does not wait for the whole prompt. SmolLM2-135M-shaped model, 8k context.
const runtime = new EngineRuntime({ gpu: false, maxThreads: 1 });

beforeAll(async () => {
  const modelPath = await fixtureModel({ preset: 'smollm2-135m', type: 'Q4_0' });
  await runtime.load({ op: 'load', modelPath, contextSize: 4096, threads: 1, parallel: 1, gpuLayers: 0, flashAttention: true }, () => {});
}, 120_000);
afterAll(() => runtime.dispose());

describe('stop during prompt processing', () => {
  it('reports prompt progress and stops a 2k-token prompt promptly', async () => {
    const history = Array.from({ length: 40 }, (_, i) => ({
      role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: `turn ${i}: ` + 'the quick brown fox jumps over the lazy dog and keeps running '.repeat(4),
    }));
    const progress: Array<{ processed: number; total: number }> = [];
    let stopAskedAt = 0;
    const result = await runtime.generate(
      { op: 'generate', requestId: 'long-prompt', messages: history, params: { maxTokens: 8 } },
      {
        onText: () => {},
        onPromptProgress: (processed, total) => {
          progress.push({ processed, total });
          // Stop arrives at an arbitrary moment, in the middle of a chunk, as a click would.
          if (progress.length === 1) {
            setTimeout(() => {
              stopAskedAt = performance.now();
              runtime.abort('long-prompt');
            }, 130);
          }
        },
      },
    );
    const stopMs = performance.now() - stopAskedAt;
    expect(result.stats.promptTokens).toBeGreaterThan(2_000);
    expect(result.stats.stopReason).toBe('abort');
    expect(result.stats.completionTokens).toBe(0);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[1]!.processed).toBeGreaterThan(progress[0]!.processed);
    expect(progress.at(-1)!.processed).toBeLessThan(result.stats.promptTokens);
    // Reading the whole prompt takes ~10 s here; a stop must not wait for it. Loose bound for CI.
    expect(stopMs).toBeLessThan(2_000);
    console.log(`stop during a ${result.stats.promptTokens}-token prompt took ${stopMs.toFixed(0)} ms`);
  });
});
