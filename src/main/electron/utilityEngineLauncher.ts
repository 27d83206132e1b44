import { utilityProcess } from 'electron';
import type { EngineLauncher } from '../core/engine/engineProcess';
import { engineEnv, workerArgs } from '../core/engine/engineProcess';
import type { EngineMessage } from '../core/engine/protocol';

/** Engine in an Electron utility process (same worker module as the Node fork). */
export function utilityEngineLauncher(options: { workerPath: string; gpu: 'auto' | false; maxThreads: number }): EngineLauncher {
  return () => {
    const child = utilityProcess.fork(options.workerPath, workerArgs(options), {
      serviceName: 'Hearth engine',
      stdio: 'inherit',
      env: engineEnv(),
    });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    return {
      get pid() {
        return child.pid;
      },
      send(call) {
        if (!exited) child.postMessage(call);
      },
      onMessage(listener) {
        child.on('message', (message: unknown) => listener(message as EngineMessage));
      },
      onExit(listener) {
        child.once('exit', (code) => listener({ code, signal: null }));
      },
      kill() {
        child.kill();
      },
    };
  };
}
