import { safeStorage } from 'electron';
import { FileSecretStore, type SecretStore } from '../core/providers/secretStore';

/**
 * Provider keys and the Hearth API key of the desktop app, encrypted with Electron's `safeStorage` (the OS keychain:
 * Keychain on macOS, DPAPI on Windows, libsecret / kwallet on Linux) in a 0600 file of the data
 * dir. A thin adapter: the file handling is core's `FileSecretStore`; only the cipher is Electron's.
 * Without a usable keychain (a Linux session with none: `safeStorage` would fall back to a
 * hard-coded password) it uses the plain 0600 key file `hearth serve` uses, which says what it is.
 */
export function safeStorageSecrets(dataDir: string): SecretStore {
  if (!safeStorage.isEncryptionAvailable() || (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text')) {
    return new FileSecretStore(dataDir);
  }
  return new FileSecretStore(
    dataDir,
    {
      encoding: 'electron-safe-storage',
      encrypt: (secret) => safeStorage.encryptString(secret).toString('base64'),
      decrypt: (stored) => safeStorage.decryptString(Buffer.from(stored, 'base64')),
    },
    'provider-keys.safe.json',
  );
}
