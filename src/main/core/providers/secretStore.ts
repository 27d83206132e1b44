import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../storage/atomicWrite';

/**
 * Where provider keys live, by provider name (and the Hearth API key, as `:hearth-api-key`: see
 * `server/apiKeySecret.ts`): never in `settings.json` or `providers.json`, and never shown back
 * (the contract says only `hasKey` / `apiKeySet`). Headless Hearth keeps them in a file only
 * its user can read (`FileSecretStore`); the desktop app encrypts them with Electron's
 * `safeStorage` (`electron/safeStorageSecrets.ts`, the same file store with a cipher).
 */
export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, secret: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/** How secrets are written in the file: as they are (protected by the file's mode only), or encrypted by the OS. */
export interface SecretCipher {
  /** Written into the file, so a file of another cipher is recognised instead of misread. */
  readonly encoding: string;
  encrypt(secret: string): string;
  decrypt(stored: string): string;
}

/** No encryption: the file's owner-only mode (0600, in a 0700 folder) is the protection, as for ssh keys. */
export const plainCipher: SecretCipher = { encoding: 'plain', encrypt: (secret) => secret, decrypt: (stored) => stored };

const secretFileSchema = z.object({
  version: z.literal(1),
  encoding: z.string(),
  secrets: z.record(z.string(), z.string()),
});

/** The folder of secret files in the data dir. */
export function secretsDir(dataDir: string): string {
  return join(dataDir, 'secrets');
}

/**
 * Secrets in `<dataDir>/secrets/<fileName>`: the folder 0700 and the file 0600 (set on every write,
 * since a copied data dir may have lost them), written atomically. Writes run one after another.
 * A file written with another cipher (the desktop app's, read by `hearth serve`) is not readable
 * here: its secrets read as absent, and the first write here replaces them.
 */
export class FileSecretStore implements SecretStore {
  readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly cipher: SecretCipher = plainCipher,
    fileName = 'provider-keys.json',
  ) {
    this.path = join(secretsDir(dataDir), fileName);
  }

  get(name: string): Promise<string | undefined> {
    return this.serially(async () => {
      const stored = (await this.read())[name];
      return stored === undefined ? undefined : this.cipher.decrypt(stored);
    });
  }

  set(name: string, secret: string): Promise<void> {
    return this.serially(async () => this.write({ ...(await this.read()), [name]: this.cipher.encrypt(secret) }));
  }

  delete(name: string): Promise<void> {
    return this.serially(async () => {
      const secrets = await this.read();
      if (!(name in secrets)) return;
      delete secrets[name];
      await this.write(secrets);
    });
  }

  private async read(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    try {
      const parsed = secretFileSchema.parse(JSON.parse(text));
      return parsed.encoding === this.cipher.encoding ? { ...parsed.secrets } : {};
    } catch {
      // A torn or edited file: its keys are lost, the providers stay (the user adds the key again).
      return {};
    }
  }

  private async write(secrets: Record<string, string>): Promise<void> {
    const dir = secretsDir(this.dataDir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, encoding: this.cipher.encoding, secrets }, null, 2)}\n`);
    // The temp file was made with the default umask; the renamed file gets owner-only at once.
    await chmod(this.path, 0o600);
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
