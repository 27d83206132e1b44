import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesContaining } from '../../testing/filesContaining';
import type { ApiServerStatus } from '../../../shared/serverDto';
import { createCore, type Core } from '../../core/createCore';
import { nodeEngineLauncher } from '../../core/engine/engineProcess';
import { silentLogger } from '../../core/logging/logger';
import { WORKER_SOURCE } from '../../testing/testCore';
import { launchApiServer } from './apiServer';

// The Hearth API key an older Hearth kept in settings.json in plain text is moved to the secret
// store on start (issue 16, item 4), and the API server started from the app still asks for it.

const KEY = 'hearth-api-key-9d2e71c4';
let root: string;
let dataDir: string;
const cores: Core[] = [];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-apikey-'));
  dataDir = join(root, 'data');
});
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
  await rm(root, { recursive: true, force: true });
});

/** A full core on `dataDir` whose `server.start` starts the real API server. */
async function core(): Promise<Core> {
  const created = await createCore({
    dataDir,
    modelsDir: join(root, 'models'),
    threads: 1,
    logger: silentLogger,
    host: 'headless',
    version: 'test',
    hub: { endpoint: 'http://127.0.0.1:9' },
    apiServer: launchApiServer(silentLogger),
    launchEngine: nodeEngineLauncher({ workerPath: WORKER_SOURCE, execArgv: ['--import', 'tsx'], gpu: false, maxThreads: 1 }),
  });
  cores.push(created);
  return created;
}

async function status(origin: string, key?: string): Promise<number> {
  const response = await fetch(`${origin}/v1/models`, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  await response.arrayBuffer();
  return response.status;
}

describe('the Hearth API key from an older settings.json', () => {
  it('an older settings.json with the key in plain text: moved on start, the rest kept, and the API still asks for it', async () => {
    await mkdir(dataDir, { recursive: true });
    const old = { schemaVersion: 1, server: { host: '127.0.0.1', port: 0, corsOrigins: [], idleUnloadMinutes: 7, apiKey: KEY }, presets: { saved: [{ name: 'terse', params: { temperature: 0.2 } }] } };
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify(old));
    const hearth = await core();
    await hearth.server.restored;
    const settingsFile = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as typeof old;
    expect(settingsFile.server).toEqual({ host: '127.0.0.1', port: 0, corsOrigins: [], idleUnloadMinutes: 7 });
    expect(settingsFile.presets.saved[0]!.name).toBe('terse');
    expect(await filesContaining(dataDir, KEY)).toEqual([join(dataDir, 'secrets', 'provider-keys.json')]);

    // The UI's start (remember: the last key) runs with the moved key; the status says only that one is set.
    const started = (await hearth.dispatch('server.start', {})) as ApiServerStatus;
    expect(started).toMatchObject({ running: true, apiKeySet: true, settings: { idleUnloadMinutes: 7 } });
    expect(JSON.stringify(started)).not.toContain(KEY);
    const origin = started.baseUrl!.replace(/\/v1$/, '');
    expect(await status(origin)).toBe(401);
    expect(await status(origin, 'a-wrong-key-000')).toBe(401);
    expect(await status(origin, KEY)).toBe(200);

    // A new key from the UI replaces it, in the secret store only; settings.json never gets it.
    const renewed = (await hearth.dispatch('server.start', { apiKey: 'a-second-key-4b8f' })) as ApiServerStatus;
    expect(await status(renewed.baseUrl!.replace(/\/v1$/, ''), 'a-second-key-4b8f')).toBe(200);
    expect(await filesContaining(dataDir, KEY)).toEqual([]);
    expect(await filesContaining(dataDir, 'a-second-key-4b8f')).toEqual([join(dataDir, 'secrets', 'provider-keys.json')]);
    await hearth.dispatch('server.stop', {});
  }, 60_000);
});
