import type { SecretStore } from '../providers/secretStore';
import type { Logger } from '../logging/logger';
import type { SettingsStore } from '../settings/settingsStore';
import type { ApiServerSettingsStore, SavedApiServerSettings } from './apiServerController';

/**
 * The name the Hearth API key has in the {@link SecretStore} it shares with provider keys. A colon
 * is never in a provider name (`providerNameSchema`), so no provider can overwrite it.
 */
export const API_KEY_SECRET = ':hearth-api-key';

/**
 * The one place the API server's last used settings and its key are kept (issue 16, item 4): the
 * settings in `settings.json` (section `server`), the key in the secret store (Electron
 * `safeStorage` in the desktop app, the owner-only key file headless), never in `settings.json`.
 * The controller reads both through here at start and the API guard gets the key from the
 * controller; the renderer only ever sees `apiKeySet`.
 *
 * A key an older Hearth left in `settings.json` is moved on the first {@link load}: written to
 * the secret store first, then removed from the file (an atomic write), so a failure between the
 * two leaves it in both places, never in neither.
 */
export function apiServerSettingsStore(settings: SettingsStore, secrets: SecretStore, logger: Logger): ApiServerSettingsStore {
  return {
    async load(): Promise<SavedApiServerSettings> {
      const { apiKey: plain, ...saved } = await settings.get('server');
      if (plain !== undefined) {
        await secrets.set(API_KEY_SECRET, plain);
        await settings.update('server', ({ apiKey: _moved, ...rest }) => rest);
        logger.info('the API key was moved from settings.json to the secret store');
        return { ...saved, apiKey: plain };
      }
      const apiKey = await secrets.get(API_KEY_SECRET);
      return { ...saved, ...(apiKey !== undefined ? { apiKey } : {}) };
    },
    async save({ apiKey, ...saved }: SavedApiServerSettings): Promise<void> {
      if (apiKey !== undefined) await secrets.set(API_KEY_SECRET, apiKey);
      else await secrets.delete(API_KEY_SECRET);
      // Without `apiKey`: whatever the section held before (an older file's key too) is replaced.
      await settings.update('server', () => saved);
    },
  };
}
