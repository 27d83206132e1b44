import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { providerNameSchema, providerUrlSchema } from '../../../shared/schemas';
import type { Logger } from '../logging/logger';
import { writeFileAtomic } from '../storage/atomicWrite';

/** One provider as stored: never its key (that is in a {@link SecretStore}), only where the key comes from. */
export const storedProviderSchema = z.object({
  name: providerNameSchema,
  /** Normalised: no trailing `/` and no `/v1` (see {@link normaliseBaseUrl}). */
  baseUrl: providerUrlSchema,
  keySource: z.enum(['none', 'stored', 'env']),
  keyEnv: z.string().optional(),
  addedAt: z.string(),
});
export type StoredProvider = z.infer<typeof storedProviderSchema>;

const fileSchema = z.object({ version: z.literal(1), providers: z.array(storedProviderSchema) });

/**
 * A base URL as Hearth keeps it: without a trailing `/` and without a final `/v1`, so the paths
 * `/v1/models` and `/api/version` both hang off it, whichever way the user wrote it.
 */
export function normaliseBaseUrl(text: string): string {
  const url = new URL(text);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${url.origin}${path}`;
}

/**
 * `<dataDir>/providers.json`: the providers the user added, in the order added. A file that does
 * not parse is set aside (`providers.json.corrupt-<time>`) and the list starts empty, so a bad edit
 * never stops Hearth; its keys stay in the secret store until those providers are added again.
 */
export class ProviderStore {
  readonly path: string;
  private providers: StoredProvider[] | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {
    this.path = join(dataDir, 'providers.json');
  }

  list(): Promise<StoredProvider[]> {
    return this.serially(async () => [...(await this.load())]);
  }

  /** The list as the file says now (another process, `hearth provider add`, may have changed it). */
  reload(): Promise<StoredProvider[]> {
    return this.serially(async () => {
      this.providers = undefined;
      return [...(await this.load())];
    });
  }

  /** Adds `provider`, replacing one of the same name in place. */
  put(provider: StoredProvider): Promise<void> {
    const checked = storedProviderSchema.parse(provider);
    return this.serially(async () => {
      const current = await this.load();
      const index = current.findIndex((p) => p.name === checked.name);
      const next = index === -1 ? [...current, checked] : current.map((p, i) => (i === index ? checked : p));
      await this.save(next);
    });
  }

  /** True when there was one to remove. */
  remove(name: string): Promise<boolean> {
    return this.serially(async () => {
      const current = await this.load();
      const next = current.filter((p) => p.name !== name);
      if (next.length === current.length) return false;
      await this.save(next);
      return true;
    });
  }

  private async load(): Promise<StoredProvider[]> {
    if (this.providers) return this.providers;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.providers = [];
      return this.providers;
    }
    try {
      this.providers = fileSchema.parse(JSON.parse(text)).providers;
    } catch (error) {
      const aside = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      this.logger.warn('providers.json could not be read; set aside, starting with no providers', { aside, error: String(error).slice(0, 300) });
      await rename(this.path, aside).catch(() => undefined);
      this.providers = [];
    }
    return this.providers;
  }

  private async save(providers: StoredProvider[]): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, providers }, null, 2)}\n`);
    this.providers = providers;
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
