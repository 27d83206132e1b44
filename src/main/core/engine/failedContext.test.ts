import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { getLlama, GgmlType, LlamaLogLevel, type Llama, type LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel } from '../../testing/fixtureModels';
import { releasingFailedContext } from './nodeLlamaInternals';

// The garbage collector, to take a failed context at the worst moment on purpose.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Settles with what `promise` gave, or 'still waiting' after `ms`: a hang shows as a value, not a test timeout. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still waiting'> {
  return Promise.race([promise, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms))]);
}

// A q8_0 KV cache cannot hold the tiny model's 16-wide heads: llama.cpp refuses the context every time.
const REFUSED = { contextSize: 256, flashAttention: true, experimentalKvCacheKeyType: GgmlType.Q8_0, experimentalKvCacheValueType: GgmlType.Q8_0 };

describe('a context creation that fails (real llama.cpp, tiny model)', () => {
  let llama: Llama;
  let path: string;
  beforeAll(async () => {
    llama = await getLlama({ gpu: false, maxThreads: 1, logLevel: LlamaLogLevel.disabled });
    path = await fixtureModel({ preset: 'tiny', type: 'Q4_0' });
  });
  afterAll(() => llama?.dispose());

  it('leaves the model free to dispose even after the garbage collector took the failed context', async () => {
    const model = await llama.loadModel({ modelPath: path });
    await expect(releasingFailedContext(model, () => model.createContext(REFUSED))).rejects.toThrow(/Failed to create context/);
    await collectGarbage();
    // Without the release, node-llama-cpp 3.22.1 waits here forever for the collected context's hold.
    expect(await within(model.dispose().then(() => 'disposed'), 10_000)).toBe('disposed');
  });

  it('changes nothing when the creation succeeds: the context works and the model disposes after it', async () => {
    const model: LlamaModel = await llama.loadModel({ modelPath: path });
    const context = await releasingFailedContext(model, () => model.createContext({ contextSize: 256, threads: 1 }));
    const sequence = context.getSequence();
    const iterator = sequence.evaluate(model.tokenize('hello'), { temperature: 0 });
    expect(typeof (await iterator.next()).value).toBe('number');
    await iterator.return();
    // The guard is back to node-llama-cpp's own method after either outcome.
    expect(Object.hasOwn((model as unknown as { _backendModelDisposeGuard: object })._backendModelDisposeGuard, 'createPreventDisposalHandle')).toBe(false);
    await collectGarbage();
    expect(await within(model.dispose().then(() => 'disposed'), 10_000)).toBe('disposed');
    expect(context.disposed).toBe(true);
  });
});
