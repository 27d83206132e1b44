import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesContaining } from '../../testing/filesContaining';
import { silentLogger } from '../logging/logger';
import { FileSecretStore } from '../providers/secretStore';
import { SettingsStore } from '../settings/settingsStore';
import { API_KEY_SECRET, apiServerSettingsStore } from './apiKeySecret';

// The Hearth API key lives in the secret store, never in settings.json (issue 16, item 4). The
// migration from an older settings.json, with the API server enforcing the moved key, is in
// hosts/api/apiKeyStorage.test.ts.

const KEY = 'hearth-api-key-9d2e71c4';
let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-apikey-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the Hearth API key', () => {
  it('saved with the settings, it goes to the owner-only secret file, not settings.json; cleared, it is gone', async () => {
    const settings = new SettingsStore({ dataDir, logger: silentLogger });
    const secrets = new FileSecretStore(dataDir);
    const store = apiServerSettingsStore(settings, secrets, silentLogger);
    await store.save({ host: '127.0.0.1', port: 4321, corsOrigins: [], idleUnloadMinutes: 5, apiKey: KEY });
    expect(await filesContaining(dataDir, KEY)).toEqual([secrets.path]);
    expect((await stat(secrets.path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(settings.path, 'utf8')).server).toEqual({ host: '127.0.0.1', port: 4321, corsOrigins: [], idleUnloadMinutes: 5 });
    // A fresh read (the next start) finds both.
    const again = apiServerSettingsStore(new SettingsStore({ dataDir, logger: silentLogger }), new FileSecretStore(dataDir), silentLogger);
    expect(await again.load()).toEqual({ host: '127.0.0.1', port: 4321, corsOrigins: [], idleUnloadMinutes: 5, apiKey: KEY });
    await again.save({ host: '127.0.0.1', port: 4321, corsOrigins: [], idleUnloadMinutes: 5 });
    expect(await filesContaining(dataDir, KEY)).toEqual([]);
    expect(await secrets.get(API_KEY_SECRET)).toBeUndefined();
  });
});
