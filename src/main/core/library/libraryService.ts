import { lstat, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { DeleteModelResult, LibraryFolder, ModelInfo, ModelMetadata } from '../../../shared/dto';
import type { Logger } from '../logging/logger';
import { readModelMetadata } from './ggufMetadata';
import type { FolderState, LibraryFolders } from './libraryFolders';
import { isInside, modelIdIn, type LibraryRoot } from './libraryRoots';
import { mapConcurrent } from './mapConcurrent';
import { importModelFiles, type ImportMode } from './modelImport';
import { scanRoot, type FoundFile } from './modelScan';
import { partPaths } from './splitParts';

/** Headers read at once over all folders: bounds open files and read buffers (64 KiB each) for any library size. */
const READ_CONCURRENCY = 4;
/** Shown instead of an unexpected internal error, which goes to the log. */
const INTERNAL_READ_ERROR = 'could not be read (an internal error; see the log)';

interface CacheEntry {
  sizeBytes: number;
  mtimeMs: number;
  metadata?: ModelMetadata;
  error?: string;
}

export interface LibraryServiceOptions {
  /** The added folders; without it only the models folder is listed (as `hearth ls` did). */
  folders?: LibraryFolders;
  /** Told after every change the library itself makes (import, delete, folders), with a reason for logs. */
  onChanged?: (reason: string) => void;
  /** True for the id of the model the engine holds, which may not be deleted. */
  isLoaded?: (modelId: string) => boolean;
}

/**
 * The models on disk: the models folder (LM Studio's `publisher/repo/file.gguf` layout and loose
 * files) plus the folders the user added (LM Studio's folder, the Hugging Face cache, any other),
 * each read in place. Every file's GGUF header is read, cached by path, size and mtime, so a
 * rescan only reads new or changed files. A file that is not a readable GGUF is listed as
 * `unreadable` with the reason, never hidden and never fatal. At most {@link READ_CONCURRENCY}
 * headers are read at a time. Ids: see `libraryRoots.ts`.
 */
export class LibraryService {
  private readonly cache = new Map<string, CacheEntry>();
  /** Paths an import or delete is working on, so two operations never touch one file at once. */
  private readonly busy = new Set<string>();

  constructor(
    private readonly modelsDir: string,
    private readonly logger: Logger,
    private readonly options: LibraryServiceOptions = {},
  ) {}

  async listModels(): Promise<ModelInfo[]> {
    const roots = await this.roots();
    const files = (await Promise.all(roots.map((root) => scanRoot(root)))).flat();
    const described = await mapConcurrent(files, READ_CONCURRENCY, (file) => this.describe(file, roots));
    // Forget files that are gone, so the cache stays as small as the library.
    const present = new Set(files.map((file) => file.path));
    for (const path of this.cache.keys()) if (!present.has(path)) this.cache.delete(path);
    const models = described.filter((model): model is ModelInfo => model !== undefined);
    return models.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Resolves a model id from `listModels` to its entry, or throws NOT_FOUND / MODEL_UNREADABLE. */
  async getModel(id: string): Promise<ModelInfo> {
    const model = await this.findModel(id);
    if (model.status !== 'ok') {
      throw new AppError('MODEL_UNREADABLE', `"${model.fileName}" cannot be loaded: ${model.error ?? 'unreadable'}`);
    }
    return model;
  }

  /** The models folder, the added folders and the suggested ones, with their model counts. */
  async listFolders(): Promise<LibraryFolder[]> {
    const states: FolderState[] = this.options.folders ? await this.options.folders.list() : [{ path: this.modelsDir, kind: 'models', added: true, exists: true }];
    const counts = new Map<string, number>();
    for (const model of await this.listModels()) if (model.folder) counts.set(model.folder.path, (counts.get(model.folder.path) ?? 0) + 1);
    return Promise.all(
      states.map(async (state) => {
        // A suggestion is counted without reading headers: it is a hint, and it may be large.
        const modelCount = state.added ? (counts.get(state.path) ?? 0) : (await scanRoot(state).catch(() => undefined))?.length;
        return { path: state.path, kind: state.kind, added: state.added, exists: state.exists, ...(modelCount !== undefined && state.exists ? { modelCount } : {}) };
      }),
    );
  }

  /** Adds a folder whose models are then listed in place; see `LibraryFolders.add` for what is refused. */
  async addFolder(path: string): Promise<LibraryFolder> {
    const root = await this.requireFolders().add(path);
    this.changed(`folder added: ${root.path}`);
    return (await this.listFolders()).find((f) => f.path === root.path) ?? { path: root.path, kind: root.kind, added: true, exists: true };
  }

  /** Stops listing a folder's models; never deletes a file. */
  async removeFolder(path: string): Promise<LibraryFolder> {
    const root = await this.requireFolders().remove(path);
    for (const cached of this.cache.keys()) if (isInside(cached, root.path)) this.cache.delete(cached);
    this.changed(`folder removed: ${root.path}`);
    return { path: root.path, kind: root.kind, added: false, exists: await stat(root.path).then((s) => s.isDirectory(), () => false) };
  }

  /** Copies, moves or links a GGUF file (all parts of a split model) into the models folder; see `importModelFiles`. */
  async importModel(args: { path: string; mode: ImportMode }): Promise<ModelInfo> {
    const target = await importModelFiles({
      source: args.path,
      mode: args.mode,
      modelsDir: this.modelsDir,
      roots: await this.roots(),
      claim: (paths) => this.claim(paths, 'imported'),
      logger: this.logger,
    });
    this.changed(`imported ${target}`);
    const model = (await this.listModels()).find((m) => m.path === target);
    if (!model) throw new AppError('INTERNAL', `The import of ${args.path} finished but ${target} is not in the library.`);
    return model;
  }

  /**
   * Deletes a model's files (every part of a split model; for a linked import, the link). Refused
   * for the loaded model and for the Hugging Face cache, whose blobs other tools share. Empty
   * `publisher/repo` folders left in the models folder are removed; other folders are the user's.
   */
  async deleteModel(modelId: string): Promise<DeleteModelResult> {
    const model = await this.findModel(modelId);
    if (this.options.isLoaded?.(modelId)) throw new AppError('BUSY', `"${model.fileName}" is loaded; unload it first.`);
    if (model.folder?.kind === 'hf-cache') {
      throw new AppError('BAD_REQUEST', `"${model.fileName}" is in the Hugging Face cache, whose files other tools share; delete it with \`huggingface-cli delete-cache\`, or remove the folder from the library.`);
    }
    const parts = partPaths(model.path);
    const release = this.claim(parts, 'deleted');
    const deleted: string[] = [];
    try {
      for (const part of parts) {
        if (!(await lstat(part).catch(() => undefined))) continue; // a missing part of an incomplete model
        await unlink(part);
        deleted.push(part);
      }
    } finally {
      release();
      this.cache.delete(model.path);
      if (deleted.length > 0) this.changed(`deleted ${modelId}`);
    }
    if (model.folder?.kind === 'models') await this.removeEmptyFolders(dirname(model.path));
    this.logger.info('model deleted', { modelId, files: deleted.length });
    return { deleted };
  }

  private async findModel(id: string): Promise<ModelInfo> {
    const model = (await this.listModels()).find((m) => m.id === id);
    if (!model) throw new AppError('NOT_FOUND', `No model "${id}" in the library (see library.listModels for the ids).`);
    return model;
  }

  private async roots(): Promise<LibraryRoot[]> {
    return this.options.folders ? this.options.folders.roots() : [{ path: this.modelsDir, kind: 'models' }];
  }

  private requireFolders(): LibraryFolders {
    if (!this.options.folders) throw new AppError('INTERNAL', 'This library has no folder settings.');
    return this.options.folders;
  }

  private changed(reason: string): void {
    this.options.onChanged?.(reason);
  }

  /** Marks `paths` as in use until the returned function is called; BUSY when one already is. */
  private claim(paths: string[], doing: string): () => void {
    const held = paths.find((p) => this.busy.has(resolve(p)));
    if (held) throw new AppError('BUSY', `${held} is being ${doing === 'deleted' ? 'imported or deleted' : 'written'} by another operation; try again when it is done.`, { retryAfterMs: 1_000 });
    for (const path of paths) this.busy.add(resolve(path));
    return () => {
      for (const path of paths) this.busy.delete(resolve(path));
    };
  }

  /** Removes `dir` and its parents while they are empty, up to (not including) the models folder. */
  private async removeEmptyFolders(dir: string): Promise<void> {
    const top = resolve(this.modelsDir);
    for (let current = resolve(dir); current !== top && isInside(current, top); current = dirname(current)) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty (other quants, a README) or not ours to remove
      }
    }
  }

  /** The entry for one file; undefined when the file vanished between the scan and now. */
  private async describe(file: FoundFile, roots: readonly LibraryRoot[]): Promise<ModelInfo | undefined> {
    const { root, path } = file;
    const fileName = file.relativePath.split('/').pop()!;
    const base = {
      id: this.idOf(file, roots),
      path,
      fileName,
      ...(file.publisher && file.repo ? { publisher: file.publisher, repo: file.repo } : {}),
      folder: { path: root.path, kind: root.kind },
      ...(file.linked ? { linked: true } : {}),
    };
    let info;
    try {
      info = file.problem ? await lstat(path) : await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      // Listed rather than thrown: one odd file must not hide the whole library.
      return { ...base, sizeBytes: 0, modifiedAt: new Date(0).toISOString(), status: 'unreadable', error: `cannot be read (${code ?? 'unknown error'})` };
    }
    if (file.problem) return { ...base, sizeBytes: 0, modifiedAt: info.mtime.toISOString(), status: 'unreadable', error: file.problem };
    const sizeBytes = info.size + (await this.otherPartsSize(path));
    let entry = this.cache.get(path);
    if (!entry || entry.sizeBytes !== sizeBytes || entry.mtimeMs !== info.mtimeMs) {
      entry = { sizeBytes, mtimeMs: info.mtimeMs };
      try {
        entry.metadata = await readModelMetadata(path, fileName.replace(/\.gguf$/i, ''));
      } catch (error) {
        if (error instanceof AppError) {
          entry.error = error.message;
          this.logger.warn('unreadable model file', { path, error: entry.error });
        } else {
          entry.error = INTERNAL_READ_ERROR;
          this.logger.error('reading a model header failed', { path, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        }
      }
      this.cache.set(path, entry);
    }
    return {
      ...base,
      sizeBytes,
      modifiedAt: info.mtime.toISOString(),
      status: entry.metadata ? 'ok' : 'unreadable',
      ...(entry.error ? { error: entry.error } : {}),
      ...(entry.metadata ? { metadata: entry.metadata } : {}),
    };
  }

  /** The file's id; a models-folder path that looks like an added folder's id gets a `./` (see `libraryRoots.ts`). */
  private idOf(file: FoundFile, roots: readonly LibraryRoot[]): string {
    const id = modelIdIn(file.root, file.relativePath);
    if (file.root.key) return id;
    return roots.some((r) => r.key && id.startsWith(`${r.key}:`)) ? `./${id}` : id;
  }

  /** Total size of parts 2..N of a split GGUF (0 for a single file or missing parts), in bytes. */
  private async otherPartsSize(firstPart: string): Promise<number> {
    let size = 0;
    for (const part of partPaths(firstPart).slice(1)) size += await stat(part).then((s) => s.size, () => 0);
    return size;
  }
}
