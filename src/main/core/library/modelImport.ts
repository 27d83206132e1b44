import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, realpath, rename, symlink, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { Logger } from '../logging/logger';
import { readModelMetadata } from './ggufMetadata';
import { canonicalPath, hfRepoOf, isInside, type LibraryRoot } from './libraryRoots';
import { partPaths, splitPartOf } from './splitParts';

export type ImportMode = 'copy' | 'move' | 'link';

/** A repo folder name as GGUF repos are named on the Hub (`…-GGUF`, `…_gguf`, `gguf-…`). */
const GGUF_REPO = /gguf/i;
/** Errors of a file system that cannot make hard links (FAT, exFAT, some network shares). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

/**
 * Where an imported model goes inside the models folder, relative, with `/`:
 * - from the Hugging Face cache (`models--owner--repo/snapshots/<rev>/<file>`): `owner/repo/<file>`;
 * - from a `publisher/repo/<file>` folder whose repo name says GGUF (the naming of every GGUF repo
 *   on the Hub, and so of LM Studio's and Hearth's folders): `publisher/repo/<file>`;
 * - anything else (a file in Downloads…): `imported/<file>`.
 * Keeping publisher and repo groups the quants of one model together, as downloads do.
 */
export function importTarget(source: string): string {
  const parts = resolve(source).split(sep);
  const file = parts[parts.length - 1]!;
  const snapshots = parts.lastIndexOf('snapshots');
  const hf = snapshots > 0 ? hfRepoOf(parts[snapshots - 1]!) : undefined;
  if (hf) return `${hf.owner}/${hf.repo}/${file}`;
  const repo = parts[parts.length - 2];
  const publisher = parts[parts.length - 3];
  if (repo && publisher && GGUF_REPO.test(repo) && !publisher.startsWith('.') && !repo.startsWith('.')) return `${publisher}/${repo}/${file}`;
  return `imported/${file}`;
}

/** Undo actions of a half-done import, run newest first when a later step fails. */
type Undo = () => Promise<unknown>;

/**
 * Brings a model file (all parts of a split model) into `modelsDir` and returns the path of its
 * first part there. Nothing is written before the file is checked with Hearth's bounded GGUF
 * reader. Copies are written under a hidden temp name and appear under their real name only when
 * complete; an existing file is never overwritten (the final name is taken with a hard link or a
 * symbolic link, which fail if the name exists). A move across file systems copies, then deletes.
 */
export async function importModelFiles(options: {
  source: string;
  mode: ImportMode;
  modelsDir: string;
  /** Every library root; a file already listed from one cannot be linked (it would show twice). */
  roots: readonly LibraryRoot[];
  /** Takes the destination paths for this import, or throws when another operation holds one. */
  claim: (paths: string[]) => () => void;
  logger: Logger;
}): Promise<string> {
  const { mode, modelsDir } = options;
  if (!isAbsolute(options.source)) throw new AppError('BAD_REQUEST', `"${options.source}" is not an absolute path.`);
  const source = resolve(options.source);
  const name = basename(source);
  const info = await lstat(source).catch(() => undefined);
  if (!info) throw new AppError('NOT_FOUND', `There is no file at ${source}.`);
  if (info.isDirectory()) throw new AppError('BAD_REQUEST', `${source} is a folder. To list the models of a folder without copying them, add the folder.`);
  if (!name.toLowerCase().endsWith('.gguf')) throw new AppError('BAD_REQUEST', `${name} is not a .gguf file.`);
  const split = splitPartOf(name);
  if (split && split.part !== 1) {
    throw new AppError('BAD_REQUEST', `${name} is part ${split.part} of ${split.count} of a split model: import part 1, the other parts come along.`);
  }
  const sources = partPaths(source);
  for (const part of sources.slice(1)) {
    if (!(await lstat(part).catch(() => undefined))) throw new AppError('BAD_REQUEST', `Not imported: part ${basename(part)} of this split model is missing beside ${name}.`);
  }
  await checkSourcePlace(source, mode, modelsDir, options.roots, info.isSymbolicLink());
  try {
    await readModelMetadata(source, name);
  } catch (error) {
    if (error instanceof AppError && error.code === 'MODEL_UNREADABLE') throw new AppError('MODEL_UNREADABLE', `Not imported: ${name}: ${error.message}`);
    throw error;
  }

  const targetDir = join(modelsDir, ...dirname(importTarget(source)).split('/'));
  const targets = sources.map((part) => join(targetDir, basename(part)));
  const release = options.claim(targets);
  try {
    for (const target of targets) {
      if (await lstat(target).catch(() => undefined)) throw exists(target, modelsDir);
    }
    await mkdir(targetDir, { recursive: true });
    await place(sources, targets, mode, modelsDir, options.logger);
    return targets[0]!;
  } finally {
    release();
  }
}

async function checkSourcePlace(source: string, mode: ImportMode, modelsDir: string, roots: readonly LibraryRoot[], isLink: boolean): Promise<void> {
  const canonical = await canonicalPath(source);
  if (isInside(canonical, await canonicalPath(modelsDir))) throw new AppError('BAD_REQUEST', `${basename(source)} is in the models folder already.`);
  for (const root of roots) {
    if (root.kind === 'models' || !isInside(await canonicalPath(dirname(source)), await canonicalPath(root.path))) continue;
    if (mode === 'link') throw new AppError('BAD_REQUEST', `${basename(source)} is listed from ${root.path} already; a link would list it twice. Copy or move it instead.`);
    if (mode === 'move' && root.kind === 'hf-cache') {
      throw new AppError('BAD_REQUEST', 'Files in the Hugging Face cache are shared with other tools and cannot be moved out of it; copy it instead.');
    }
  }
  if (mode === 'move' && isLink) throw new AppError('BAD_REQUEST', `${basename(source)} is a link; import it with copy or link instead.`);
}

/** Puts every part in place, or none: on failure, what was placed is taken back. */
async function place(sources: string[], targets: string[], mode: ImportMode, modelsDir: string, logger: Logger): Promise<void> {
  const undo: Undo[] = [];
  const afterwards: Array<() => Promise<unknown>> = [];
  try {
    for (const [index, source] of sources.entries()) {
      const target = targets[index]!;
      if (mode === 'link') {
        await symlink(await realpath(source), target).catch(explainExists(target, modelsDir));
        undo.push(() => unlink(target));
      } else if (mode === 'copy') {
        await copyThenPublish(source, target, modelsDir, undo);
      } else {
        await moveByLink(source, target, modelsDir, undo, afterwards);
      }
    }
  } catch (error) {
    for (const step of undo.reverse()) await step().catch((undoError: unknown) => logger.error('undoing a failed import failed', { error: String(undoError) }));
    throw error;
  }
  // Sources of a move go only once every part is in place, so a failure never loses a part.
  for (const step of afterwards) await step();
}

/** Copies under a hidden temp name (never listed), then takes the final name without overwriting. */
async function copyThenPublish(source: string, target: string, modelsDir: string, undo: Undo[]): Promise<void> {
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.import`);
  try {
    await copyFile(source, temp, constants.COPYFILE_EXCL);
    await publish(temp, target, modelsDir);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  undo.push(() => unlink(target));
}

/** Gives `temp` the name `target` unless that name exists; `temp` is gone afterwards. */
async function publish(temp: string, target: string, modelsDir: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!NO_HARD_LINKS.has(code)) return explainExists(target, modelsDir)(error);
    // No hard links here: check, then rename. Claims keep other Hearth operations off this name.
    if (await lstat(target).catch(() => undefined)) throw exists(target, modelsDir);
    await rename(temp, target);
    return;
  }
  await unlink(temp);
}

/** A move within one file system: a hard link (never overwrites), the source removed at the end. */
async function moveByLink(source: string, target: string, modelsDir: string, undo: Undo[], afterwards: Array<() => Promise<unknown>>): Promise<void> {
  try {
    await link(source, target);
    undo.push(() => unlink(target));
    afterwards.push(() => unlink(source));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EXDEV') {
      // Another file system: copy, and delete the original once every part is copied.
      await copyThenPublish(source, target, modelsDir, undo);
      afterwards.push(() => unlink(source));
    } else if (NO_HARD_LINKS.has(code)) {
      if (await lstat(target).catch(() => undefined)) throw exists(target, modelsDir);
      await rename(source, target).catch(async (renameError: unknown) => {
        if ((renameError as NodeJS.ErrnoException).code !== 'EXDEV') throw renameError;
        await copyThenPublish(source, target, modelsDir, undo);
        afterwards.push(() => unlink(source));
      });
      if (!(await lstat(source).catch(() => undefined))) undo.push(() => rename(target, source));
    } else {
      explainExists(target, modelsDir)(error);
    }
  }
}

function exists(target: string, modelsDir: string): AppError {
  const shown = target.startsWith(modelsDir) ? target.slice(modelsDir.length + 1).split(sep).join('/') : target;
  return new AppError('BAD_REQUEST', `Not imported: ${shown} exists in the models folder already (delete or rename it first).`);
}

function explainExists(target: string, modelsDir: string): (error: unknown) => never {
  return (error) => {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw exists(target, modelsDir);
    throw error;
  };
}
