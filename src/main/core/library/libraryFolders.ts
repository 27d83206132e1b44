import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { SettingsStore } from '../settings/settingsStore';
import type { ExtraFolderSetting } from '../settings/settingsSections';
import {
  canonicalPath,
  detectFolders,
  isDirectory,
  isInside,
  kindOfFolder,
  looksLikeHfCache,
  newFolderKey,
  type FolderDetection,
  type LibraryRoot,
} from './libraryRoots';

/** A root plus whether it is there and whether the user added it (false: a suggestion). */
export interface FolderState extends LibraryRoot {
  added: boolean;
  exists: boolean;
}

/**
 * Which folders make up the library: the models folder, the folders the user added (stored in
 * the `library` section of the settings) and, as suggestions, LM Studio's folder and the Hugging
 * Face cache when they exist. Adding never copies anything and removing never deletes anything.
 */
export class LibraryFolders {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly modelsDir: string,
    private readonly settings: SettingsStore,
    private readonly detection: FolderDetection,
  ) {}

  /** The models folder, then the added folders in the order they were added. */
  async roots(): Promise<LibraryRoot[]> {
    const { folders } = await this.settings.get('library');
    return [{ path: this.modelsDir, kind: 'models' }, ...folders.map(({ path, kind, key }) => ({ path, kind, key }))];
  }

  /** Every root and every detected folder not added yet (nor inside or around a root). */
  async list(): Promise<FolderState[]> {
    const roots = await this.roots();
    const canonicalRoots = await Promise.all(roots.map((r) => canonicalPath(r.path)));
    const states: FolderState[] = await Promise.all(roots.map(async (root) => ({ ...root, added: true, exists: await isDirectory(root.path) })));
    for (const found of await detectFolders(this.detection)) {
      const canonical = await canonicalPath(found.path);
      if (canonicalRoots.some((root) => isInside(canonical, root) || isInside(root, canonical))) continue;
      states.push({ ...found, added: false, exists: true });
    }
    return states;
  }

  /**
   * Adds a folder. Refuses a relative or missing path, a file, the models folder, a folder that
   * is already added, and one inside or around another root (its models would be listed twice).
   * A Hugging Face home (`~/.cache/huggingface`) is taken as its `hub` folder, where models live.
   */
  add(path: string): Promise<LibraryRoot> {
    return this.serially(async () => {
      let folder = absolute(path);
      const info = await stat(folder).catch(() => undefined);
      if (!info) throw new AppError('NOT_FOUND', `There is no folder at ${folder}.`);
      if (!info.isDirectory()) throw new AppError('BAD_REQUEST', `${folder} is a file, not a folder. To add one model file, import it.`);
      if (!(await looksLikeHfCache(folder)) && (await looksLikeHfCache(join(folder, 'hub')))) folder = join(folder, 'hub');
      await this.checkOverlap(folder);
      const kind = await kindOfFolder(folder, this.detection);
      let added!: ExtraFolderSetting;
      await this.settings.update('library', (library) => {
        const key = newFolderKey(kind, folder, new Set(library.folders.map((f) => f.key)));
        added = { path: folder, kind, key, addedAt: new Date().toISOString() };
        return { ...library, folders: [...library.folders, added] };
      });
      return { path: added.path, kind: added.kind, key: added.key };
    });
  }

  /** Forgets an added folder; its files stay where they are. */
  remove(path: string): Promise<LibraryRoot> {
    return this.serially(async () => {
      const folder = absolute(path);
      if ((await canonicalPath(folder)) === (await canonicalPath(this.modelsDir))) {
        throw new AppError('BAD_REQUEST', 'The models folder is always part of the library; choose another one with --models-dir or HEARTH_MODELS_DIR.');
      }
      const { folders } = await this.settings.get('library');
      // As added, or as the `hub` folder a Hugging Face home was added as.
      const removed = folders.find((f) => f.path === folder || f.path === join(folder, 'hub'));
      if (!removed) throw new AppError('NOT_FOUND', `${folder} is not one of the library's folders.`);
      await this.settings.update('library', (library) => ({ ...library, folders: library.folders.filter((f) => f.key !== removed.key) }));
      return { path: removed.path, kind: removed.kind, key: removed.key };
    });
  }

  /** Throws BAD_REQUEST when `folder` is a root, or inside or around one. */
  private async checkOverlap(folder: string): Promise<void> {
    const canonical = await canonicalPath(folder);
    for (const root of await this.roots()) {
      const other = await canonicalPath(root.path);
      const what = root.kind === 'models' ? 'the models folder' : `the library folder ${root.path}`;
      if (other === canonical) throw new AppError('BAD_REQUEST', root.kind === 'models' ? `${folder} is the models folder, which is always in the library.` : `${folder} is already in the library.`);
      if (isInside(canonical, other)) throw new AppError('BAD_REQUEST', `${folder} is inside ${what}; its models are listed already.`);
      if (isInside(other, canonical)) throw new AppError('BAD_REQUEST', `${folder} contains ${what}; its models would be listed twice. Add a folder beside it instead.`);
    }
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    // Checks and the settings update run as one step, so two adds at once cannot both pass.
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function absolute(path: string): string {
  if (!isAbsolute(path)) throw new AppError('BAD_REQUEST', `"${path}" is not an absolute path.`);
  return resolve(path);
}
