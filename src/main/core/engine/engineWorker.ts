/**
 * Entry of the engine process. Runs under Node's `child_process.fork` (headless, tests) and
 * Electron's `utilityProcess.fork` (desktop). All llama.cpp work happens here, so a native abort
 * (bad file, out of memory) kills only this process; the host notices and restarts it.
 */
import { AppError, toErrorShape } from '../../../shared/errors';
import { EngineRuntime } from './engineRuntime';
import { LabOp } from './labOp';
import { BenchRunner } from './benchOp';
import type { EngineCall, EngineMessage, EngineRequest } from './protocol';
import { StreamOutbox } from './tokenBatcher';
import { loadGgmlThreadpool } from './ggmlThreadpool';

// Before anything loads llama.cpp (nothing does at import): ggml's threads are kept between decodes.
loadGgmlThreadpool();

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** How often the worker tells the host it is alive, in ms. The host's watchdog allows several misses. */
export const HEARTBEAT_MS = 1_000;

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

/** Every reply's streamed text, coalesced into few messages (see StreamOutbox). */
const outbox = new StreamOutbox(post);
const runtime = new EngineRuntime({
  gpu: argValue('gpu') === 'off' ? false : 'auto',
  maxThreads: Number(argValue('max-threads') ?? 0) || 1,
});
/** The quantization lab's model; used only in a lab's own engine process (see labOp.ts). */
const lab = new LabOp({ gpu: argValue('gpu') === 'off' ? false : 'auto', maxThreads: Number(argValue('max-threads') ?? 0) || 1 });
/** The machine benchmark's model; used only in a benchmark's own engine process (see benchOp.ts). */
const bench = new BenchRunner({ gpu: argValue('gpu') === 'off' ? false : 'auto' });
/** Operations that exist only to test the host's watchdog; never enabled in the app. */
const testOps = process.env.HEARTH_ENGINE_TEST_OPS === '1';

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
    case 'status':
      return runtime.status();
    case 'hardware':
      return runtime.hardware();
    case 'embed':
      return runtime.embed(request);
    case 'rank':
      return runtime.rank(request);
    case 'threads':
      return { max: await runtime.setMaxThreads(request.max) };
    case 'lab':
      return lab.handle(request);
    case 'bench':
      return bench.run(request);
    case 'hang': {
      if (!testOps) throw new AppError('BAD_REQUEST', 'Unknown engine operation.');
      // Blocks the event loop the way a deadlocked native call would: no heartbeat, no answers.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, request.ms);
      return { hung: request.ms };
    }
    case 'generate': {
      const { requestId } = request;
      const batcher = outbox.batcher(requestId, request.chunking === 'token');
      try {
        return await runtime.generate(request, {
          onText: (text, count, logprobs) => batcher.add(text, count, logprobs),
          onPromptProgress: (processed, total) => post({ kind: 'promptProgress', requestId, processed, total }),
          onToolCall: (index, id, name, delta) => {
            // Text before the call goes first: the caller sees the reply in the order it was written.
            batcher.flush();
            post({ kind: 'toolCall', requestId, index, id, name, delta });
          },
        });
      } finally {
        batcher.flush();
      }
    }
  }
}

/** Hearth's own errors as they are; anything else is logged here and summarised for people. */
function engineError(error: unknown, op: string) {
  if (error instanceof AppError) return toErrorShape(error);
  const raw = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`[engine] ${op} failed: ${raw}\n`);
  return { code: 'ENGINE_ERROR' as const, message: `The inference engine could not ${op === 'generate' ? 'generate the reply' : `do "${op}"`}; the details are in Hearth's log.` };
}

onCall((call) => {
  handle(call.request).then(
    (value) => post({ kind: 'result', id: call.id, ok: true, value }),
    (error: unknown) => post({ kind: 'result', id: call.id, ok: false, error: engineError(error, call.request.op) }),
  );
});

// Under Node, the IPC channel closing means the host is gone: leave instead of lingering.
process.on('disconnect', () => {
  void Promise.all([runtime.dispose(), lab.dispose(), bench.dispose()]).finally(() => process.exit(0));
});

setInterval(() => post({ kind: 'heartbeat' }), HEARTBEAT_MS).unref();
post({ kind: 'ready', pid: process.pid });
