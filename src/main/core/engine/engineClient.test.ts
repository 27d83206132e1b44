import { describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../../shared/dto';
import { silentLogger } from '../logging/logger';
import { EngineClient } from './engineClient';
import { nodeEngineLauncher } from './engineProcess';

describe('EngineClient', () => {
  it('fails calls with a clear error when the engine process cannot start, and reports it', async () => {
    const statuses: EngineStatus[] = [];
    const client = new EngineClient({
      launch: nodeEngineLauncher({ workerPath: '/nonexistent/engineWorker.js', gpu: false, maxThreads: 1 }),
      logger: silentLogger,
      onStatus: (s) => statuses.push(s),
      onLoadProgress: () => {},
    });
    await expect(client.call({ op: 'unload' })).rejects.toMatchObject({
      code: 'ENGINE_ERROR',
      message: expect.stringContaining('failed to start'),
    });
    expect(statuses[0]?.state).toBe('starting');
    expect(client.status.state).toBe('crashed');
    await client.dispose();
  });
});
