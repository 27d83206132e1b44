import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { silentLogger, type Logger } from '../../logging/logger';
import { writeGgufFile, type GgufMetadata, type GgufTensorSource } from '../../../fixtures/gguf/ggufWriter';
import { SettingsStore } from '../../settings/settingsStore';
import { LibraryFolders } from '../libraryFolders';
import { LibraryService } from '../libraryService';

/** Options of {@link writeSmallGguf}. */
export interface SmallGgufOptions {
  /** `general.license`; absent when not given. */
  license?: string;
  /** Writes `split.count`: part 1 carries the model keys, later parts only tensors. */
  split?: { part: number; count: number };
  /** Weights in the file's one tensor (F32), default 64. */
  values?: number;
}

/**
 * A small valid GGUF (a few hundred bytes) with exactly the keys Hearth's reader needs: enough to
 * be listed as `ok`, with a licence or as a part of a split model, which the shared fixture
 * generator does not make.
 */
export async function writeSmallGguf(path: string, options: SmallGgufOptions = {}): Promise<string> {
  const u32 = (value: number) => ({ type: 'u32', value }) as const;
  const first = !options.split || options.split.part === 1;
  const metadata: Array<GgufMetadata[number]> = [];
  if (first) {
    metadata.push(
      ['general.architecture', { type: 'string', value: 'llama' }],
      ['general.name', { type: 'string', value: 'Small Test' }],
      ['general.file_type', u32(0)],
      ['llama.context_length', u32(256)],
      ['llama.embedding_length', u32(8)],
      ['llama.block_count', u32(1)],
    );
    if (options.license) metadata.push(['general.license', { type: 'string', value: options.license }]);
  }
  if (options.split) metadata.push(['split.no', u32(options.split.part - 1)], ['split.count', u32(options.split.count)]);
  const values = options.values ?? 64;
  const tensors: GgufTensorSource[] = [{ name: `t${options.split?.part ?? 1}`, dims: [values], type: 'F32', encode: () => new Uint8Array(values * 4) }];
  await mkdir(dirname(path), { recursive: true });
  await writeGgufFile(path, metadata, tensors);
  return path;
}

/** Writes every part of a split model named `<base>-0000N-of-0000M.gguf` in `dir`; returns their paths, part 1 first. */
export async function writeSplitModel(dir: string, base: string, count: number): Promise<string[]> {
  const paths: string[] = [];
  for (let part = 1; part <= count; part++) {
    const name = `${base}-${String(part).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.gguf`;
    paths.push(await writeSmallGguf(join(dir, name), { split: { part, count }, values: 64 * part }));
  }
  return paths;
}

/** A library over temp folders: models, data, a fake home; events and the loaded id recorded. */
export async function tempLibrary(options: { env?: Record<string, string>; logger?: Logger } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'hearth-library-'));
  const modelsDir = join(root, 'models');
  const dataDir = join(root, 'data');
  const home = join(root, 'home');
  await mkdir(modelsDir, { recursive: true });
  await mkdir(home, { recursive: true });
  const changes: string[] = [];
  const state = { loaded: undefined as string | undefined };
  const settings = new SettingsStore({ dataDir, logger: silentLogger });
  const folders = new LibraryFolders(modelsDir, settings, { homeDir: home, env: options.env ?? {} });
  const library = new LibraryService(modelsDir, options.logger ?? silentLogger, {
    folders,
    onChanged: (reason) => changes.push(reason),
    isLoaded: (id) => state.loaded === id,
  });
  return { root, modelsDir, dataDir, home, library, settings, changes, state, cleanup: () => rm(root, { recursive: true, force: true }) };
}
