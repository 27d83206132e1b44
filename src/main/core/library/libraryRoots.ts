import { createHash } from 'node:crypto';
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { LibraryFolderKind } from '../../../shared/dto';

/**
 * The folders models are listed from ("roots") and how their models are named.
 *
 * Id scheme: a model in the models folder keeps its path relative to that folder (`pub/repo/m.gguf`,
 * what downloads and existing chats refer to). A model in an added folder is
 * `<key>:<path relative to the folder>`, where the key is the folder kind's tag plus the first hex
 * digits of a hash of the folder's path (`lms-3fa2c1`, `hf-9c01de`, `dir-0b7e44`). The key is
 * stored with the folder when it is added, so ids stay the same across restarts and rescans.
 * A models-folder path that happens to start with an added folder's `<key>:` is listed as
 * `./<path>` instead; the scan never yields a `.` segment, so the two kinds of id never collide.
 */
export interface LibraryRoot {
  /** Absolute path. */
  path: string;
  kind: LibraryFolderKind;
  /** Id prefix of added folders; absent for the models folder (ids are plain relative paths). */
  key?: string;
}

/** Where the user's home and environment are; injected so tests use temp folders. */
export interface FolderDetection {
  homeDir: string;
  env: Readonly<Record<string, string | undefined>>;
}

const KEY_TAGS: Record<Exclude<LibraryFolderKind, 'models'>, string> = { lmstudio: 'lms', 'hf-cache': 'hf', custom: 'dir' };
/** Hex digits of the key's hash: 24 bits is plenty for the handful of folders one user adds. */
const KEY_HEX_DIGITS = 6;
/** `models--owner--repo`: how the Hugging Face cache names a model repo's folder. */
const HF_REPO_DIR = /^models--([^-].*?)--(.+)$/;

/** The id of the file at `relativePath` (segments joined with `/`) inside `root`. */
export function modelIdIn(root: LibraryRoot, relativePath: string): string {
  return root.key ? `${root.key}:${relativePath}` : relativePath;
}

/**
 * A key for a new folder that none of `taken` uses. Longer hashes are taken only on a clash, so
 * the usual key is short enough to type in `hearth rm`.
 */
export function newFolderKey(kind: Exclude<LibraryFolderKind, 'models'>, path: string, taken: ReadonlySet<string>): string {
  const hash = createHash('sha256').update(path).digest('hex');
  for (let digits = KEY_HEX_DIGITS; digits <= hash.length; digits += 2) {
    const key = `${KEY_TAGS[kind]}-${hash.slice(0, digits)}`;
    if (!taken.has(key)) return key;
  }
  throw new Error('no free folder key'); // would need 29 folders with one sha256
}

/** `HF_HUB_CACHE`, else `HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub` (huggingface_hub's order). */
export function hfCacheDir({ homeDir, env }: FolderDetection): string {
  const hubCache = env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE;
  if (hubCache) return resolve(hubCache);
  const hfHome = env.HF_HOME || join(env.XDG_CACHE_HOME || join(homeDir, '.cache'), 'huggingface');
  return resolve(hfHome, 'hub');
}

/** LM Studio's models folders: `~/.lmstudio/models` (0.3 and later), `~/.cache/lm-studio/models` (earlier). */
export function lmStudioDirs({ homeDir }: FolderDetection): string[] {
  return [join(homeDir, '.lmstudio', 'models'), join(homeDir, '.cache', 'lm-studio', 'models')];
}

/** The LM Studio and Hugging Face cache folders that exist on this machine. */
export async function detectFolders(detection: FolderDetection): Promise<Array<{ path: string; kind: 'lmstudio' | 'hf-cache' }>> {
  const candidates = [
    ...lmStudioDirs(detection).map((path) => ({ path, kind: 'lmstudio' as const })),
    { path: hfCacheDir(detection), kind: 'hf-cache' as const },
  ];
  const found = await Promise.all(candidates.map(async (c) => ((await isDirectory(c.path)) ? c : undefined)));
  return found.filter((c) => c !== undefined);
}

/** `owner/repo` of a Hugging Face cache folder name, or undefined for anything else. */
export function hfRepoOf(dirName: string): { owner: string; repo: string } | undefined {
  const match = HF_REPO_DIR.exec(dirName);
  // `--` separates owner and repo; the Hub allows neither `--` nor `/` inside them.
  if (!match || match[2]!.includes('--')) return undefined;
  return { owner: match[1]!, repo: match[2]! };
}

/** True when `dir` holds at least one `models--owner--repo` folder (the cache layout). */
export async function looksLikeHfCache(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.some((entry) => entry.isDirectory() && hfRepoOf(entry.name) !== undefined);
}

/**
 * The kind of a folder the user adds: a detected LM Studio folder, or any folder in the cache
 * layout (which must be listed by its own rules), else `custom`.
 */
export async function kindOfFolder(path: string, detection: FolderDetection): Promise<'lmstudio' | 'hf-cache' | 'custom'> {
  if (await samePath(path, hfCacheDir(detection))) return 'hf-cache';
  for (const dir of lmStudioDirs(detection)) if (await samePath(path, dir)) return 'lmstudio';
  return (await looksLikeHfCache(path)) ? 'hf-cache' : 'custom';
}

/** The path with symlinks resolved when it exists, else only normalised. */
export async function canonicalPath(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

async function samePath(a: string, b: string): Promise<boolean> {
  return (await canonicalPath(a)) === (await canonicalPath(b));
}

/** True when `inner` is `outer` or below it (both canonical). */
export function isInside(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

export async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}
