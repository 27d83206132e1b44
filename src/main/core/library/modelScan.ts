import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hfRepoOf, isInside, type LibraryRoot } from './libraryRoots';
import { isFirstPart } from './splitParts';

/** How deep below a folder to look: `publisher/repo/file.gguf` is depth 3. */
const MAX_DEPTH = 4;
/** How deep below a Hugging Face snapshot to look (repos keep quants in subfolders). */
const MAX_SNAPSHOT_DEPTH = 3;

/** A `.gguf` file (first part of a split model) found in a root, before its header is read. */
export interface FoundFile {
  root: LibraryRoot;
  /** Absolute path as found (in the Hugging Face cache: the snapshot's link, so split parts sit beside it). */
  path: string;
  /** Path relative to the root with `/`, the id's tail. */
  relativePath: string;
  publisher?: string;
  repo?: string;
  /** Why the file cannot be read (a dangling link…); the file is listed as unreadable with it. */
  problem?: string;
  /** A symbolic link (a `link` import) outside the Hugging Face cache: deleting it removes only the link. */
  linked?: true;
}

/** Every model file of `root`, by the root's layout. A missing root has none. */
export function scanRoot(root: LibraryRoot): Promise<FoundFile[]> {
  return root.kind === 'hf-cache' ? scanHfCache(root) : scanFolder(root, root.path, [], 0);
}

/**
 * LM Studio's layout (`publisher/repo/file.gguf`) and loose files. Linked files are followed (a
 * `link` import is one); linked folders are not, so a link loop cannot make the scan endless.
 */
async function scanFolder(root: LibraryRoot, dir: string, segments: string[], depth: number): Promise<FoundFile[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(missingIsEmpty);
  const found: FoundFile[] = [];
  for (const entry of entries) {
    // Dot-files are partial downloads and imports in progress (and the id scheme relies on it).
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const names = [...segments, entry.name];
    if (entry.isDirectory()) {
      if (depth < MAX_DEPTH) found.push(...(await scanFolder(root, path, names, depth + 1)));
      continue;
    }
    if (!isModelName(entry.name) || !(entry.isFile() || entry.isSymbolicLink())) continue;
    const file: FoundFile = {
      root,
      path,
      relativePath: names.join('/'),
      ...(names.length >= 3 ? { publisher: names[names.length - 3], repo: names[names.length - 2] } : {}),
    };
    if (entry.isSymbolicLink()) {
      file.linked = true;
      const target = await stat(path).catch(() => undefined);
      if (target?.isDirectory()) continue;
      if (!target) file.problem = 'the link points to a file that is gone (moved or deleted)';
    }
    found.push(file);
  }
  return found;
}

/**
 * The Hugging Face cache: `models--owner--repo/snapshots/<revision>/<file>`, where files are links
 * into the repo's `blobs/`. Each file is listed once per repo, from the revision `refs/main`
 * names when it has the file, else from the newest snapshot that does. A link is followed only
 * into its own repo's `blobs/`; one that points elsewhere, or at a blob that is gone (an
 * interrupted download, a cleaned cache), is listed as unreadable with the reason.
 */
async function scanHfCache(root: LibraryRoot): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  for (const entry of await readdir(root.path, { withFileTypes: true }).catch(missingIsEmpty)) {
    const names = entry.isDirectory() ? hfRepoOf(entry.name) : undefined;
    if (!names) continue;
    const repoDir = join(root.path, entry.name);
    const blobs = join(await realpath(repoDir).catch(() => repoDir), 'blobs');
    const seen = new Set<string>();
    for (const snapshot of await snapshotsInOrder(repoDir)) {
      for (const inside of await snapshotFiles(snapshot, [], 0)) {
        if (seen.has(inside)) continue;
        seen.add(inside);
        const path = join(snapshot, ...inside.split('/'));
        const file: FoundFile = { root, path, relativePath: `${names.owner}/${names.repo}/${inside}`, publisher: names.owner, repo: names.repo };
        const problem = await linkProblem(path, blobs);
        if (problem) file.problem = problem;
        found.push(file);
      }
    }
  }
  return found;
}

/** Snapshot folders, the one `refs/main` names first, then newest first. */
async function snapshotsInOrder(repoDir: string): Promise<string[]> {
  const snapshotsDir = join(repoDir, 'snapshots');
  const entries = (await readdir(snapshotsDir, { withFileTypes: true }).catch(missingIsEmpty)).filter((e) => e.isDirectory());
  const main = (await readFile(join(repoDir, 'refs', 'main'), 'utf8').catch(() => '')).trim();
  const dated = await Promise.all(
    entries.map(async (e) => ({ name: e.name, mtimeMs: (await stat(join(snapshotsDir, e.name)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  dated.sort((a, b) => Number(b.name === main) - Number(a.name === main) || b.mtimeMs - a.mtimeMs || a.name.localeCompare(b.name));
  return dated.map((d) => join(snapshotsDir, d.name));
}

/** Model file paths inside one snapshot, relative with `/`. Folders are real folders in the cache (never links). */
async function snapshotFiles(dir: string, segments: string[], depth: number): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(missingIsEmpty)) {
    if (entry.name.startsWith('.')) continue;
    const names = [...segments, entry.name];
    if (entry.isDirectory() && depth < MAX_SNAPSHOT_DEPTH) files.push(...(await snapshotFiles(join(dir, entry.name), names, depth + 1)));
    else if ((entry.isSymbolicLink() || entry.isFile()) && isModelName(entry.name)) files.push(names.join('/'));
  }
  return files;
}

/** Why a snapshot entry cannot be read, or undefined when it is a file or a link into `blobs`. */
async function linkProblem(path: string, blobs: string): Promise<string | undefined> {
  const own = await lstat(path).catch(() => undefined);
  if (!own) return 'the file is gone (moved or deleted while Hearth read the folder)';
  if (!own.isSymbolicLink()) return undefined; // caches on file systems without links hold copies
  const target = await realpath(path).catch(() => undefined);
  if (!target) return 'incomplete: the link in the Hugging Face cache points to a blob that is not there (an interrupted download or a cleaned cache)';
  if (!isInside(target, blobs)) return "not followed: the link points outside this repo's blobs in the Hugging Face cache";
  const info = await stat(target).catch(() => undefined);
  return info?.isFile() ? undefined : 'the link in the Hugging Face cache does not point to a file';
}

function isModelName(name: string): boolean {
  return name.toLowerCase().endsWith('.gguf') && isFirstPart(name);
}

function missingIsEmpty(error: unknown): never[] {
  const code = (error as NodeJS.ErrnoException).code;
  // A folder that is gone or not a folder (an unplugged drive, a file where a folder was) has no models.
  if (code === 'ENOENT' || code === 'ENOTDIR') return [];
  throw error;
}
