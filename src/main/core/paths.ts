import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Hearth keeps things when nothing overrides it. User data goes in the platform's
 * per-user config folder (the same folder Electron's `userData` is for an app named Hearth),
 * never a cache folder that cleaners wipe; models in a visible folder in the home directory.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Hearth');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Hearth');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'Hearth');
}

export function defaultModelsDir(): string {
  return join(homedir(), 'Hearth', 'models');
}
