import { loadOptionsSchema, type LoadOptions } from '../../../shared/schemas';
import type { SettingsStore } from './settingsStore';

/** Models whose load settings are kept; the least recently saved are forgotten beyond this. */
const MAX_MODELS = 200;
/** What is remembered: how to load, never whether to force a load that does not fit. */
const rememberedSchema = loadOptionsSchema.omit({ modelId: true, force: true, remember: true }).partial();
export type RememberedLoad = Omit<LoadOptions, 'modelId' | 'force' | 'remember'>;

/**
 * The load settings the user chose per model, kept in `settings.json` (section `loads`), so a
 * model loaded again — from the picker, after an unload or a restart, by the API — comes back
 * the way the user set it instead of with the load plan's defaults.
 */
export class RememberedLoads {
  constructor(private readonly settings: SettingsStore) {}

  /** What was saved for `modelId` (values a newer or older Hearth wrote that no longer parse are dropped). */
  async get(modelId: string): Promise<RememberedLoad> {
    const saved = (await this.settings.get('loads')).byModel[modelId];
    if (!saved) return {};
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(saved)) {
      const field = rememberedSchema.shape[key as keyof RememberedLoad];
      if (field && field.safeParse(value).success) result[key] = value;
    }
    return result as RememberedLoad;
  }

  /** Saves the settings `options` gives (merged over what was saved for the model). */
  async save(modelId: string, options: LoadOptions): Promise<void> {
    const given = rememberedSchema.parse(Object.fromEntries(Object.entries(options).filter(([key, value]) => key in rememberedSchema.shape && value !== undefined)));
    await this.settings.update('loads', (current) => {
      const { [modelId]: previous, ...others } = current.byModel;
      const byModel = { ...others, [modelId]: { ...previous, ...given } };
      const ids = Object.keys(byModel);
      for (const id of ids.slice(0, Math.max(0, ids.length - MAX_MODELS))) delete byModel[id];
      return { byModel };
    });
  }
}
