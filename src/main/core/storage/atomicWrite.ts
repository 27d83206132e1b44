import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

/**
 * Replaces `path` with `data` so a crash leaves either the old or the new content, never a
 * torn file: write a sibling temp file, fsync it, rename it over the target (atomic on one
 * file system), then fsync the directory so the rename itself survives a power loss.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  // Random suffix: two writers (e.g. two managers in tests) never share a temp file.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** Best effort: some platforms (Windows) cannot open a directory for fsync. */
export async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The data is already renamed into place; only durability across power loss is weaker.
  }
}
