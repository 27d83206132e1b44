import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../logging/logger';
import { SETTINGS_SCHEMA_VERSION } from './settingsSections';
import { SettingsStore } from './settingsStore';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-settings-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const at = new Date('2025-03-04T05:06:07.089Z');
const folder = (path: string, key: string) => ({ path, kind: 'custom' as const, key, addedAt: at.toISOString() });

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warnings, warn: (message) => warnings.push(message) };
}

describe('SettingsStore', () => {
  it('starts from defaults without a file and writes nothing until an update', async () => {
    const store = new SettingsStore({ dataDir, logger: silentLogger });
    await expect(store.get('library')).resolves.toEqual({ folders: [] });
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('round-trips an update through the file, with the schema version', async () => {
    const store = new SettingsStore({ dataDir, logger: silentLogger });
    await store.update('library', (library) => ({ ...library, folders: [folder('/a', 'dir-aaaaaa')] }));
    const onDisk = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'));
    expect(onDisk).toMatchObject({ schemaVersion: SETTINGS_SCHEMA_VERSION, library: { folders: [folder('/a', 'dir-aaaaaa')] } });
    await expect(new SettingsStore({ dataDir, logger: silentLogger }).get('library')).resolves.toEqual({ folders: [folder('/a', 'dir-aaaaaa')] });
    // No temp files left beside it.
    expect(await readdir(dataDir)).toEqual(['settings.json']);
  });

  it('returns copies: changing a result changes nothing stored', async () => {
    const store = new SettingsStore({ dataDir, logger: silentLogger });
    (await store.get('library')).folders.push(folder('/x', 'dir-bbbbbb'));
    await expect(store.get('library')).resolves.toEqual({ folders: [] });
  });

  it('lands two concurrent updates, each seeing the other', async () => {
    const store = new SettingsStore({ dataDir, logger: silentLogger });
    await Promise.all([
      store.update('library', (l) => ({ folders: [...l.folders, folder('/one', 'dir-111111')] })),
      store.update('library', (l) => ({ folders: [...l.folders, folder('/two', 'dir-222222')] })),
    ]);
    const reread = await new SettingsStore({ dataDir, logger: silentLogger }).get('library');
    expect(reread.folders.map((f) => f.path)).toEqual(['/one', '/two']);
  });

  it('refuses an invalid update and keeps the stored value', async () => {
    const store = new SettingsStore({ dataDir, logger: silentLogger });
    await store.update('library', () => ({ folders: [folder('/a', 'dir-aaaaaa')] }));
    await expect(store.update('library', () => ({ folders: [{ ...folder('/b', 'dir-bbbbbb'), key: 'BAD KEY' }] }))).rejects.toThrow();
    await expect(new SettingsStore({ dataDir, logger: silentLogger }).get('library')).resolves.toEqual({ folders: [folder('/a', 'dir-aaaaaa')] });
  });

  it('renames a corrupt file aside, logs it and uses defaults', async () => {
    await writeFile(join(dataDir, 'settings.json'), '{"schemaVersion": 1, "library": {"fol');
    const logger = recordingLogger();
    const store = new SettingsStore({ dataDir, logger, now: () => at });
    await expect(store.get('library')).resolves.toEqual({ folders: [] });
    expect(await readdir(dataDir)).toEqual(['settings.json.corrupt-2025-03-04T05-06-07-089Z']);
    expect(logger.warnings[0]).toMatch(/not valid JSON.*renamed aside/);
    await store.update('library', () => ({ folders: [folder('/a', 'dir-aaaaaa')] }));
    expect((await readdir(dataDir)).sort()).toEqual(['settings.json', 'settings.json.corrupt-2025-03-04T05-06-07-089Z']);
  });

  it('keeps valid sections when one is invalid, and sets the original aside', async () => {
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ schemaVersion: 1, library: { folders: 'nope' } }));
    const store = new SettingsStore({ dataDir, logger: silentLogger, now: () => at });
    await expect(store.get('library')).resolves.toEqual({ folders: [] });
    const names = (await readdir(dataDir)).sort();
    expect(names).toEqual(['settings.json', 'settings.json.corrupt-2025-03-04T05-06-07-089Z']);
    expect(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'))).toMatchObject({ schemaVersion: 1, library: { folders: [] } });
  });

  it('sets aside a file from a newer Hearth instead of misreading it', async () => {
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ schemaVersion: 99, library: { anything: 1 } }));
    const store = new SettingsStore({ dataDir, logger: silentLogger, now: () => at });
    await expect(store.get('library')).resolves.toEqual({ folders: [] });
    expect(await readdir(dataDir)).toEqual(['settings.json.v99-2025-03-04T05-06-07-089Z']);
  });

  it('migrates a file without a version and writes it back current', async () => {
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ library: { folders: [folder('/old', 'dir-0a0a0a')] } }));
    const store = new SettingsStore({ dataDir, logger: silentLogger });
    await expect(store.get('library')).resolves.toEqual({ folders: [folder('/old', 'dir-0a0a0a')] });
    expect(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')).schemaVersion).toBe(SETTINGS_SCHEMA_VERSION);
  });
});
