import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core, type CoreOptions } from '../core/createCore';
import { nodeEngineLauncher } from '../core/engine/engineProcess';
import { silentLogger } from '../core/logging/logger';

/** The engine worker's TypeScript source, run in a real child process through tsx. */
export const WORKER_SOURCE = fileURLToPath(new URL('../core/engine/engineWorker.ts', import.meta.url));

/**
 * A full core with temp folders and a real forked engine process (1 thread), with the engine's
 * test-only operations switched on (they let a test make the engine hang).
 */
export async function createTestCore(
  engine: CoreOptions['engine'] = {},
  /** Where the hub lives: a fixture server's endpoint; default an address where nothing listens. */
  hub: CoreOptions['hub'] = { endpoint: 'http://127.0.0.1:9' },
  /** Other core options: the API server's launcher, the fleet's limits, the threads each engine may use (default 1). */
  extra: Pick<CoreOptions, 'apiServer' | 'maxModels' | 'memoryLimitBytes' | 'admissionWaitMs' | 'cores'> & { maxThreads?: number } = {},
): Promise<{ core: Core; dataDir: string; modelsDir: string; cleanup(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'hearth-test-'));
  const dataDir = join(root, 'data');
  const modelsDir = join(root, 'models');
  const core = await createCore({
    dataDir,
    modelsDir,
    threads: 1,
    logger: silentLogger,
    host: 'headless',
    version: 'test',
    engine,
    hub,
    ...extra,
    launchEngine: nodeEngineLauncher({
      workerPath: WORKER_SOURCE,
      execArgv: ['--import', 'tsx'],
      gpu: false,
      maxThreads: extra.maxThreads ?? 1,
      env: { HEARTH_ENGINE_TEST_OPS: '1' },
    }),
  });
  return {
    core,
    dataDir,
    modelsDir,
    cleanup: async () => {
      await core.dispose();
      await rm(root, { recursive: true, force: true });
    },
  };
}
