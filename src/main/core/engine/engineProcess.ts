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

export function workerArgs(options: { gpu: 'auto' | false; maxThreads: number }): string[] {
  return [`--gpu=${options.gpu === false ? 'off' : 'auto'}`, `--max-threads=${options.maxThreads}`];
}

/** Engine in a Node child process; its stdout/stderr go to ours so llama.cpp errors stay visible. */
export function nodeEngineLauncher(options: NodeEngineOptions): EngineLauncher {
  return () => {
    const child = fork(options.workerPath, workerArgs(options), {
      execArgv: options.execArgv ?? [],
      env: { ...process.env, ...options.env },
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
