import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logging/logger';
import { writeFileAtomic } from '../storage/atomicWrite';
import { SETTINGS_SCHEMA_VERSION, settingsMigrations, settingsSections, type SectionName, type SettingsSections } from './settingsSections';

export interface SettingsStoreOptions {
  /** Folder of `settings.json` (Hearth's data folder, never a cache folder). */
  dataDir: string;
  logger: Logger;
  /** Clock for the names of set-aside files; tests fix it. */
  now?: () => Date;
}

/**
 * `<dataDir>/settings.json`: every domain's settings in one versioned file, one section each.
 *
 * Reading never fails the app: a file that is not JSON is renamed aside
 * (`settings.json.corrupt-<time>`, or `settings.json.v<N>-<time>` for a file from a newer Hearth
 * with schema N) and defaults are used; a section
 * that fails its schema gets its defaults while the valid sections are kept (the original file is
 * set aside too, so nothing the user had is lost). Writes replace the file atomically, and
 * updates run one after another, so two concurrent updates both land.
 */
export class SettingsStore {
  readonly path: string;
  private document: SettingsSections | undefined;
  /** Tail of the chain every read and update runs on, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;

  constructor(private readonly options: SettingsStoreOptions) {
    this.path = join(options.dataDir, 'settings.json');
    this.now = options.now ?? (() => new Date());
  }

  /** A copy of one section (changing it changes nothing until passed back through `update`). */
  get<K extends SectionName>(section: K): Promise<SettingsSections[K]> {
    return this.serially(async () => structuredClone((await this.load())[section]));
  }

  /**
   * Replaces one section with what `change` returns for the current value, validated, and writes
   * the file. `change` sees every earlier update's result. A failed write changes nothing.
   */
  update<K extends SectionName>(section: K, change: (current: SettingsSections[K]) => SettingsSections[K]): Promise<SettingsSections[K]> {
    return this.serially(async () => {
      const current = await this.load();
      const next = settingsSections[section].parse(change(structuredClone(current[section]))) as SettingsSections[K];
      const document = { ...current, [section]: next };
      await this.write(document);
      this.document = document;
      return structuredClone(next);
    });
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    // The chain continues after a failed task; the caller still sees the failure.
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async load(): Promise<SettingsSections> {
    if (this.document) return this.document;
    this.document = await this.read();
    return this.document;
  }

  private async read(): Promise<SettingsSections> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaults();
      throw error;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.setAside('corrupt', 'settings.json is not valid JSON; defaults are used');
    }
    if (!isPlainObject(raw)) return this.setAside('corrupt', 'settings.json does not hold an object; defaults are used');
    const version = raw.schemaVersion ?? 0;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
      return this.setAside('corrupt', 'settings.json has an invalid schemaVersion; defaults are used');
    }
    if (version > SETTINGS_SCHEMA_VERSION) {
      // Written by a newer Hearth: kept aside untouched, so going back to that version finds it.
      return this.setAside(`v${version}`, `settings.json is from a newer Hearth (schema ${version}, this one reads ${SETTINGS_SCHEMA_VERSION}); defaults are used`);
    }
    let document: Record<string, unknown> = raw;
    for (let from = version; from < SETTINGS_SCHEMA_VERSION; from++) document = settingsMigrations[from]!(document);
    const { sections, invalid } = validateSections(document);
    if (invalid.length > 0) {
      await this.setAside('corrupt', `settings.json has invalid sections (${invalid.join(', ')}); they are reset to defaults`);
      await this.write(sections);
    } else if (version < SETTINGS_SCHEMA_VERSION) {
      await this.write(sections);
      this.options.logger.info('settings migrated', { from: version, to: SETTINGS_SCHEMA_VERSION });
    }
    return sections;
  }

  /** Renames the file to `settings.json.<label>-<time>` and returns the defaults. */
  private async setAside(label: string, reason: string): Promise<SettingsSections> {
    const aside = `${this.path}.${label}-${this.now().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(this.path, aside);
      this.options.logger.warn(`${reason}; the file was renamed aside`, { aside });
    } catch (error) {
      this.options.logger.error(`${reason} (renaming the file aside failed)`, { error: String(error) });
    }
    return defaults();
  }

  private async write(sections: SettingsSections): Promise<void> {
    await mkdir(this.options.dataDir, { recursive: true });
    await writeFileAtomic(this.path, `${JSON.stringify({ schemaVersion: SETTINGS_SCHEMA_VERSION, ...sections }, null, 2)}\n`);
  }
}

function defaults(): SettingsSections {
  return validateSections({}).sections;
}

/** Each section parsed on its own, so one bad section does not cost the others. */
function validateSections(document: Record<string, unknown>): { sections: SettingsSections; invalid: string[] } {
  const invalid: string[] = [];
  const sections: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(settingsSections)) {
    const parsed = schema.safeParse(document[name]);
    if (parsed.success) {
      sections[name] = parsed.data;
    } else {
      invalid.push(name);
      sections[name] = schema.parse(undefined);
    }
  }
  return { sections: sections as SettingsSections, invalid };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
