import { fork } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixtureModel } from '../../testing/fixtureModels';
import { WORKER_SOURCE } from '../../testing/testCore';
import { silentLogger } from '../logging/logger';
import { EngineClient } from './engineClient';
import { EngineRuntime } from './engineRuntime';
import type { GenerateRequest } from './protocol';
import { nodeEngineLauncher, type EngineLauncher } from './engineProcess';

/**
 * Electron cannot run here, so `utilityProcess.fork` is stood in for by a Node fork that takes the
 * options the launcher passes (its `env` above all) and runs the real engine worker with them.
 */
const forkCalls: Array<{ args: string[]; options: { env?: NodeJS.ProcessEnv; serviceName?: string } }> = [];
vi.mock('electron', () => ({
  utilityProcess: {
    fork(modulePath: string, args: string[], options: { env?: NodeJS.ProcessEnv; serviceName?: string }) {
      forkCalls.push({ args, options });
      const child = fork(modulePath, args, { env: options.env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      return {
        get pid() {
          return child.pid;
        },
        postMessage: (message: unknown) => child.send(message as object),
        on: (event: 'message', listener: (message: unknown) => void) => child.on(event, listener),
        once: (event: 'exit', listener: (code: number | null) => void) => child.once(event, (code) => listener(code)),
        kill: () => child.kill('SIGKILL'),
      };
    },
  },
}));

const clients: EngineClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
});

function client(launch: EngineLauncher): EngineClient {
  const engine = new EngineClient({ launch, logger: silentLogger, onStatus: () => {}, onLoadProgress: () => {} });
  clients.push(engine);
  return engine;
}

const nodeLauncher = (maxThreads: number) => nodeEngineLauncher({ workerPath: WORKER_SOURCE, execArgv: ['--import', 'tsx'], gpu: false, maxThreads });

describe('engine process environment', () => {
  it('the Node launcher starts the engine with one libuv pool thread, and leaves the host its own', async () => {
    const hostBefore = process.env.UV_THREADPOOL_SIZE;
    const status = await client(nodeLauncher(1)).call({ op: 'status' });
    expect(status.uvThreadpoolSize).toBe('1');
    expect(process.env.UV_THREADPOOL_SIZE).toBe(hostBefore);
  }, 60_000);

  it("Electron's utilityProcess launcher passes the same environment", async () => {
    const { utilityEngineLauncher } = await import('../../electron/utilityEngineLauncher');
    const status = await client(utilityEngineLauncher({ workerPath: WORKER_SOURCE, gpu: false, maxThreads: 1 })).call({ op: 'status' });
    expect(status.uvThreadpoolSize).toBe('1');
    expect(forkCalls.at(-1)?.options.env?.UV_THREADPOOL_SIZE).toBe('1');
    // The rest of the host's environment still reaches the engine (PATH, HEARTH_* settings).
    expect(forkCalls.at(-1)?.options.env?.PATH).toBe(process.env.PATH);
  }, 60_000);

  it('a load gets the thread count it asked for, as llama.cpp reports it back', async () => {
    const modelPath = await fixtureModel({ preset: 'tiny', type: 'Q4_0' });
    const engine = client(nodeLauncher(2));
    const load = (threads: number) => engine.call({ op: 'load', modelPath, contextSize: 256, threads, parallel: 1, gpuLayers: 0, flashAttention: true });
    expect((await load(2)).settings.threads).toBe(2);
    expect((await load(1)).settings.threads).toBe(1);
  }, 120_000);

  it('with one pool thread the engine samples right behind each decode, and writes what the unpipelined path writes', async () => {
    // In this process the pool has several threads, so a reply alone waits for each decode before
    // sampling; the engine process (one pool thread) queues the sample behind the decode
    // (directDecode.ts). A sample that read the logits too early would change the text.
    expect(process.env.UV_THREADPOOL_SIZE).not.toBe('1');
    const modelPath = await fixtureModel({ preset: 'tiny', type: 'Q4_0' });
    const load = { op: 'load', modelPath, contextSize: 256, threads: 1, parallel: 1, gpuLayers: 0, flashAttention: true } as const;
    const request = (requestId: string): GenerateRequest => ({ op: 'generate', requestId, messages: [{ role: 'user', content: 'tell me a story' }], params: { temperature: 0, maxTokens: 48 } });
    const engine = client(nodeLauncher(1));
    await engine.call(load);
    expect((await engine.call({ op: 'status' })).uvThreadpoolSize).toBe('1');
    const pipelined = await engine.call(request('pipelined'));
    const runtime = new EngineRuntime({ gpu: false, maxThreads: 1 });
    try {
      await runtime.load(load, () => {});
      const inProcess = await runtime.generate(request('in-process'), { onText: () => {}, onPromptProgress: () => {} });
      expect(pipelined.stats.completionTokens).toBe(48);
      expect(new Set(pipelined.text).size).toBeGreaterThan(3);
      expect(pipelined.text).toBe(inProcess.text);
    } finally {
      await runtime.dispose();
    }
  }, 120_000);
});
