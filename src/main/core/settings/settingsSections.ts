import { z } from 'zod';
import { corsOriginSchema, DEFAULT_API_PORT, DEFAULT_IDLE_UNLOAD_MINUTES } from '../../../shared/serverSchemas';

/**
 * What `settings.json` holds, one section per domain. A domain adds its settings by adding one
 * entry to {@link settingsSections} (a zod schema whose every field has a default, so an older
 * file without the section still reads) and, when it changes the meaning of stored data, a
 * migration in {@link settingsMigrations} plus a bump of {@link SETTINGS_SCHEMA_VERSION}.
 */

/** The version this build writes. Files with an older version are migrated on read. */
export const SETTINGS_SCHEMA_VERSION = 1;

/** Kinds of extra model folders the user can add (the models folder itself is never stored). */
export const extraFolderKinds = ['lmstudio', 'hf-cache', 'custom'] as const;

/** One folder the user added to the library; the models are read in place, never copied. */
export const extraFolderSchema = z.object({
  /** Absolute path, as the user added it (resolved, no trailing separator). */
  path: z.string().min(1),
  kind: z.enum(extraFolderKinds),
  /** Short stable key that prefixes the ids of the models in this folder, e.g. `lms-3fa2c1`. */
  key: z.string().regex(/^[a-z]+-[0-9a-f]{6,64}$/),
  /** When it was added (ISO-8601). */
  addedAt: z.string(),
});

export const librarySettingsSchema = z.object({
  /** Folders listed besides the models folder, in the order they were added. */
  folders: z.array(extraFolderSchema).default([]),
});

/** The API server's last used settings: `server.start` fills what it is not given from them (the key is in the secret store). */
export const serverSettingsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(DEFAULT_API_PORT),
  corsOrigins: z.array(corsOriginSchema).default([]),
  idleUnloadMinutes: z.number().int().min(0).default(DEFAULT_IDLE_UNLOAD_MINUTES),
  /** Only in files of older Hearths: moved to the secret store on start (see server/apiKeySecret.ts). */
  apiKey: z.string().min(8).max(512).optional(),
});

/**
 * One preset the user saved (`presets.save`). Loose on purpose, like chat files: parameters and
 * the response format are plain records, checked when read (see PresetService), so a parameter
 * renamed in a later Hearth drops that value, not every preset.
 */
export const savedPresetSchema = z.object({
  name: z.string().min(1).max(200),
  systemPrompt: z.string().max(100_000).optional(),
  params: z.record(z.string(), z.unknown()),
  responseFormat: z.record(z.string(), z.unknown()).optional(),
});

export const presetSettingsSchema = z.object({
  /** In the order they were first saved. */
  saved: z.array(savedPresetSchema).default([]),
});

/** Licence families the user confirmed with "I understand" before a first download (see hub/licence.ts). */
export const licenceSettingsSchema = z.object({
  accepted: z.array(z.string().min(1).max(64)).default([]),
});

/** What the Recommended file of a model favours (see hardware/recommend.ts). */
export const recommendationSettingsSchema = z.object({
  preference: z.enum(['balanced', 'quality', 'speed']).default('balanced'),
});

/**
 * Load settings the user chose for a model (`inference.loadModel` with `remember`), by model id:
 * later loads that do not say use them, so a 4096 context stays 4096 after an unload. Loose
 * values, checked when used (see rememberedLoads.ts).
 */
export const loadSettingsSchema = z.object({
  byModel: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});

/** Every section, by name. Each must accept `undefined` (a file written before it existed). */
export const settingsSections = {
  library: librarySettingsSchema.default({ folders: [] }),
  presets: presetSettingsSchema.default({ saved: [] }),
  server: serverSettingsSchema.default({ host: '127.0.0.1', port: DEFAULT_API_PORT, corsOrigins: [], idleUnloadMinutes: DEFAULT_IDLE_UNLOAD_MINUTES }),
  licences: licenceSettingsSchema.default({ accepted: [] }),
  recommendation: recommendationSettingsSchema.default({ preference: 'balanced' }),
  loads: loadSettingsSchema.default({ byModel: {} }),
} as const;

export type SettingsSections = { [K in keyof typeof settingsSections]: z.output<(typeof settingsSections)[K]> };
export type SectionName = keyof SettingsSections;
export type ExtraFolderSetting = z.output<typeof extraFolderSchema>;
export type SavedPresetSetting = z.output<typeof savedPresetSchema>;

/**
 * Migrations as code: entry `n` turns a version-`n` document into a version-`n + 1` one. They
 * work on plain JSON (the old shape is not typed any more) and must never throw on odd input:
 * validation after migrating decides what is kept.
 */
export const settingsMigrations: ReadonlyArray<(document: Record<string, unknown>) => Record<string, unknown>> = [
  // 0 → 1: files written before settings had a version were flat objects with no sections;
  // nothing in them is used any more, so only the version is added.
  (document) => ({ ...document, schemaVersion: 1 }),
];
