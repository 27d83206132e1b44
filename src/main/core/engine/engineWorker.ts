/**
 * Entry of the engine process. Runs under Node's `child_process.fork` (headless, tests) and
 * Electron's `utilityProcess.fork` (desktop). All llama.cpp work happens here, so a native abort
 * (bad file, out of memory) kills only this process; the host notices and restarts it.
 */
import { toErrorShape } from '../../../shared/errors';
import { EngineRuntime } from './engineRuntime';
import type { EngineCall, EngineMessage, EngineRequest } from './protocol';
import { TokenBatcher } from './tokenBatcher';

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function post(message: EngineMessage): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function onCall(listener: (call: EngineCall) => void): void {
  if (parentPort) parentPort.on('message', (event) => listener(event.data as EngineCall));
  else process.on('message', (message) => listener(message as EngineCall));
}

function argValue(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

const runtime = new EngineRuntime({
  gpu: argValue('gpu') === 'off' ? false : 'auto',
  maxThreads: Number(argValue('max-threads') ?? 0) || 1,
});

async function handle(request: EngineRequest): Promise<unknown> {
  switch (request.op) {
    case 'load': {
      let lastSent = 0;
      return runtime.load(request, (progress) => {
        const now = Date.now();
        if (progress < 1 && now - lastSent < 50) return;
        lastSent = now;
        post({ kind: 'loadProgress', progress });
      });
    }
    case 'unload':
      return { unloaded: await runtime.unload() };
    case 'abort':
      return { aborted: runtime.abort(request.requestId) };
    case 'generate': {
      const batcher = new TokenBatcher((text, tokenCount) =>
        post({ kind: 'tokens', requestId: request.requestId, text, tokenCount }),
      );
      try {
        return await runtime.generate(request, (text, count) => batcher.add(text, count));
      } finally {
        batcher.flush();
      }
    }
  }
}

onCall((call) => {
  handle(call.request).then(
    (value) => post({ kind: 'result', id: call.id, ok: true, value }),
    (error: unknown) => post({ kind: 'result', id: call.id, ok: false, error: toErrorShape(error) }),
  );
});

// Under Node, the IPC channel closing means the host is gone: leave instead of lingering.
process.on('disconnect', () => {
  void runtime.dispose().finally(() => process.exit(0));
});

post({ kind: 'ready', pid: process.pid });
