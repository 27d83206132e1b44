import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_PRESETS, NUTRITION_SCHEMA, presetSaveArgsSchema } from '../../../shared/presets';
import { silentLogger } from '../logging/logger';
import { SettingsStore } from '../settings/settingsStore';
import { PresetService } from './presetService';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-presets-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const service = () => new PresetService(new SettingsStore({ dataDir, logger: silentLogger }));
const names = (list: ReadonlyArray<{ name: string }>) => list.map((p) => p.name);

describe('PresetService', () => {
  it('lists the four built-ins first; JSON extraction carries the nutrition schema', async () => {
    const list = await service().list();
    expect(names(list)).toEqual(['Balanced', 'Precise', 'Creative', 'JSON extraction']);
    expect(list.every((p) => p.builtIn)).toBe(true);
    expect(list[3]!.responseFormat).toEqual({ type: 'json_schema', schema: NUTRITION_SCHEMA });
  });

  it('saves to settings.json (a new service sees it), replaces by name, deletes', async () => {
    const presets = service();
    await presets.save({ name: 'Mine', params: { temperature: 0.4 }, systemPrompt: 'Short answers.' });
    const list = await presets.save({ name: ' mine ', params: { temperature: 0.6, seed: 3 } });
    expect(list.slice(4)).toEqual([{ name: 'mine', builtIn: false, params: { temperature: 0.6, seed: 3 } }]);
    const file = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'));
    expect(file.presets.saved).toHaveLength(1);
    expect(names(await service().list())).toContain('mine');
    expect(names(await presets.delete('MINE'))).toEqual(names(BUILT_IN_PRESETS));
    await expect(presets.delete('Mine')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses to replace or delete a built-in', async () => {
    const presets = service();
    await expect(presets.save({ name: 'balanced', params: {} })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(presets.delete('JSON extraction')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('validates with zod and keeps only the values this Hearth understands from the file', async () => {
    expect(presetSaveArgsSchema.safeParse({ name: 'x', params: { temperature: 9 } }).success).toBe(false);
    expect(presetSaveArgsSchema.safeParse({ name: '', params: {} }).success).toBe(false);
    expect(presetSaveArgsSchema.safeParse({ name: 'x', params: {}, responseFormat: { type: 'xml' } }).success).toBe(false);
    await writeFile(
      join(dataDir, 'settings.json'),
      JSON.stringify({ schemaVersion: 1, presets: { saved: [{ name: 'Old', params: { temperature: 0.5, renamedLater: 1 }, responseFormat: { type: 'yaml' } }] } }),
    );
    expect((await service().list())[4]).toEqual({ name: 'Old', builtIn: false, params: { temperature: 0.5 } });
  });
});
