import { AppError } from '../../../shared/errors';
import { BUILT_IN_PRESETS, isBuiltInPresetName, MAX_SAVED_PRESETS, type Preset, type PresetSaveArgs } from '../../../shared/presets';
import { usableParams, usableResponseFormat } from '../chats/chatFile';
import type { SettingsStore } from '../settings/settingsStore';
import type { SavedPresetSetting } from '../settings/settingsSections';

/**
 * The `presets.*` methods: the built-in presets (Balanced, Precise, Creative, JSON extraction;
 * never replaced or deleted) followed by the user's own, stored in the `presets` section of
 * `settings.json`. Every method returns the whole list, built-ins first.
 */
export class PresetService {
  constructor(private readonly settings: SettingsStore) {}

  async list(): Promise<Preset[]> {
    const { saved } = await this.settings.get('presets');
    return [...BUILT_IN_PRESETS.map((p) => structuredClone(p)), ...saved.map(toPreset)];
  }

  /** Adds a preset, or replaces the saved one with the same name (case-insensitive). */
  async save(args: PresetSaveArgs): Promise<Preset[]> {
    const name = args.name.trim();
    if (isBuiltInPresetName(name)) throw new AppError('BAD_REQUEST', `“${name}” is a built-in preset; pick another name.`);
    await this.settings.update('presets', (current) => {
      const stored: SavedPresetSetting = {
        name,
        params: args.params,
        ...(args.systemPrompt ? { systemPrompt: args.systemPrompt } : {}),
        ...(args.responseFormat && args.responseFormat.type !== 'text' ? { responseFormat: args.responseFormat } : {}),
      };
      const index = current.saved.findIndex((p) => sameName(p.name, name));
      if (index >= 0) current.saved[index] = stored;
      else if (current.saved.length >= MAX_SAVED_PRESETS) throw new AppError('BAD_REQUEST', `At most ${MAX_SAVED_PRESETS} presets can be saved; delete one first.`);
      else current.saved.push(stored);
      return current;
    });
    return this.list();
  }

  /** Deletes a saved preset; built-ins are refused, an unknown name is NOT_FOUND. */
  async delete(name: string): Promise<Preset[]> {
    if (isBuiltInPresetName(name)) throw new AppError('BAD_REQUEST', 'Built-in presets cannot be deleted.');
    let found = false;
    await this.settings.update('presets', (current) => {
      const saved = current.saved.filter((p) => !sameName(p.name, name));
      found = saved.length < current.saved.length;
      return { ...current, saved };
    });
    if (!found) throw new AppError('NOT_FOUND', `There is no saved preset named “${name.trim()}”.`);
    return this.list();
  }
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** A stored preset with only the values this Hearth understands. */
function toPreset(stored: SavedPresetSetting): Preset {
  const responseFormat = usableResponseFormat(stored.responseFormat);
  return {
    name: stored.name,
    builtIn: false,
    params: usableParams(stored.params),
    ...(stored.systemPrompt ? { systemPrompt: stored.systemPrompt } : {}),
    ...(responseFormat && responseFormat.type !== 'text' ? { responseFormat } : {}),
  };
}
