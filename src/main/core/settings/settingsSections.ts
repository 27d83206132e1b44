import { z } from 'zod';

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

/** Every section, by name. Each must accept `undefined` (a file written before it existed). */
export const settingsSections = {
  library: librarySettingsSchema.default({ folders: [] }),
} as const;

export type SettingsSections = { [K in keyof typeof settingsSections]: z.output<(typeof settingsSections)[K]> };
export type SectionName = keyof SettingsSections;
export type ExtraFolderSetting = z.output<typeof extraFolderSchema>;

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
