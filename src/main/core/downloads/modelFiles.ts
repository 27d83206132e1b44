// A model's part files on disk: how many of its bytes are already there, whether the rest
// fits, and deleting what a download wrote.
import { mkdir, rm, stat } from 'node:fs/promises';
import { AppError } from '../../../shared/errors';
import type { HubGgufFile } from '../hub/hubTypes';
import { formatBytes } from './diskSpace';
import { partTarget } from './modelPaths';

/** Refuses when the bytes still missing (the whole model minus what is on disk) exceed the free space. */
export async function checkDiskSpace(modelsDir: string, repo: string, file: HubGgufFile, freeBytes: (dir: string) => Promise<number>): Promise<void> {
  await mkdir(modelsDir, { recursive: true });
  const needed = file.size - (await bytesOnDisk(modelsDir, repo, file));
  const free = await freeBytes(modelsDir);
  if (needed > free) {
    throw new AppError('BAD_REQUEST', `Not enough disk space for ${file.name}: it needs ${formatBytes(needed)} (${needed} bytes) but ${modelsDir} has ${formatBytes(free)} (${free} bytes) free.`);
  }
}

/** Finished parts plus partial files, in bytes. */
export async function bytesOnDisk(modelsDir: string, repo: string, file: HubGgufFile): Promise<number> {
  let total = 0;
  for (const part of file.parts) {
    const target = partTarget(modelsDir, repo, part.path);
    const final = await stat(target.final).catch(() => undefined);
    if (final?.size === part.size) total += part.size;
    else total += Math.min(part.size, (await stat(target.partial).catch(() => undefined))?.size ?? 0);
  }
  return total;
}

export async function deletePartials(modelsDir: string, repo: string, file: HubGgufFile): Promise<void> {
  for (const part of file.parts) await rm(partTarget(modelsDir, repo, part.path).partial, { force: true });
}

/** Deletes the partial files and, for a split model, the finished parts too. */
export async function deleteFiles(modelsDir: string, repo: string, file: HubGgufFile): Promise<void> {
  for (const part of file.parts) {
    const target = partTarget(modelsDir, repo, part.path);
    await rm(target.partial, { force: true });
    // A lone finished part of a split model cannot be loaded; leaving it would show a broken model.
    if (file.parts.length > 1) await rm(target.final, { force: true });
  }
}
