import { fork } from 'node:child_process';
import type { EngineCall, EngineMessage } from './protocol';

/** A running engine process, whatever started it (Node fork or Electron utilityProcess). */
export interface EngineProcess {
  readonly pid: number | undefined;
  send(call: EngineCall): void;
  onMessage(listener: (message: EngineMessage) => void): void;
  /** Called once when the process is gone, however it ended. */
  onExit(listener: (exit: { code: number | null; signal: string | null }) => void): void;
  kill(): void;
}

/** Starts a fresh engine process. Hosts provide one; core never knows which kind. */
export type EngineLauncher = () => EngineProcess;

export interface NodeEngineOptions {
  /** Path of the built `engineWorker.js` (or the `.ts` source together with a loader in `execArgv`). */
  workerPath: string;
  /** Node flags for the child, e.g. `['--import', 'tsx']` to run the TypeScript source in tests. */
  execArgv?: string[];
  gpu: 'auto' | false;
  maxThreads: number;
  /** Extra environment for the child (tests enable the engine's test-only operations this way). */
  env?: Record<string, string>;
}

/**
 * Environment every engine process gets, whatever starts it, declared once.
 *
 * `UV_THREADPOOL_SIZE=1`: node-llama-cpp runs each decode as an async task on libuv's worker pool
 * (4 threads by default). Consecutive decodes then land on different pool threads, and ggml's
 * compute threads, which spin-wait on a barrier between the calls, pay for every hop: measured on
 * 2 cores at 2 threads, 63–66 tok/s with the default pool against 183–187 with one pool thread on
 * the 135M-shaped model (README, "Engine speed"). Nothing else in the engine needs the pool in
 * parallel: loads and decodes are already one at a time, and the heartbeat is a timer on the main
 * thread. The host process keeps Node's default.
 */
export const ENGINE_PROCESS_ENV: Readonly<Record<string, string>> = { UV_THREADPOOL_SIZE: '1' };

/** The engine process's environment: the host's, then {@link ENGINE_PROCESS_ENV}, then the launcher's extras (tests). */
export function engineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...ENGINE_PROCESS_ENV, ...extra };
}

export function workerArgs(options: { gpu: 'auto' | false; maxThreads: number }): string[] {
  return [`--gpu=${options.gpu === false ? 'off' : 'auto'}`, `--max-threads=${options.maxThreads}`];
}

/** Engine in a Node child process; its stdout/stderr go to ours so llama.cpp errors stay visible. */
export function nodeEngineLauncher(options: NodeEngineOptions): EngineLauncher {
  return () => {
    const child = fork(options.workerPath, workerArgs(options), {
      execArgv: options.execArgv ?? [],
      env: engineEnv(options.env),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    return {
      get pid() {
        return child.pid;
      },
      send(call) {
        if (child.connected) child.send(call);
      },
      onMessage(listener) {
        child.on('message', (message) => listener(message as EngineMessage));
      },
      onExit(listener) {
        // A process that could not be spawned emits 'error' and may never emit 'exit'.
        let reported = false;
        const report = (exit: { code: number | null; signal: string | null }) => {
          if (reported) return;
          reported = true;
          listener(exit);
        };
        child.once('exit', (code, signal) => report({ code, signal }));
        child.on('error', () => {
          // Other 'error's (a failed send or kill) leave the process running: only a failed spawn ends it.
          if (child.pid === undefined) report({ code: null, signal: null });
        });
      },
      kill() {
        child.kill('SIGKILL');
      },
    };
  };
}
