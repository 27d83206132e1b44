import { isAbsolute, resolve } from 'node:path';
import { hubRepoIdSchema } from '../../shared/hubSchemas';

/**
 * What the app was asked to open, from its command line (first start, or a second start handed
 * over by the single-instance lock), from macOS `open-url` / `open-file`, or from the OS's
 * "Open with Hearth": a model's repo page (`hearth://model/owner/repo`) or a `.gguf` file to import.
 * Plain parsing, no Electron: openTargets.ts acts on the result.
 */
export type LaunchTarget =
  /** The repo page in Discover, `#/discover/owner/repo`. */
  | { kind: 'repo'; repo: string }
  /** A `.gguf` file to import into the library (absolute path). */
  | { kind: 'import'; path: string };

export const PROTOCOL = 'hearth';

/**
 * `hearth://model/<owner>/<repo>` (a trailing slash is fine) → the repo page; anything else
 * (another host, a query, a malformed id, a different scheme) → null. Ids follow the Hub's rules
 * (hubRepoIdSchema), so nothing but `owner/repo` can reach the page's route.
 */
export function parseDeepLink(url: string): LaunchTarget | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${PROTOCOL}:` || parsed.host !== 'model' || parsed.search || parsed.hash || parsed.username || parsed.password) return null;
  const repo = parsed.pathname.replace(/^\//, '').replace(/\/$/, '');
  return hubRepoIdSchema.safeParse(repo).success ? { kind: 'repo', repo } : null;
}

/** A path that names a model file (by extension; the import itself checks the file). */
export function isModelPath(arg: string): boolean {
  return arg.toLowerCase().endsWith('.gguf') && !arg.startsWith('-') && !arg.includes('\0');
}

/**
 * The targets in a command line: `hearth://` links and `.gguf` paths (relative ones resolved
 * against `workingDirectory`, the directory the second instance was started in; for the first
 * instance, its own). Flags that Chromium or the OS add (`--allow-file-access-from-files`,
 * `-psn_…`), the executable, the app path and any other argument are ignored.
 */
export function launchTargetsFromArgv(argv: readonly string[], workingDirectory?: string): LaunchTarget[] {
  const targets: LaunchTarget[] = [];
  for (const arg of argv.slice(1)) {
    if (arg.toLowerCase().startsWith(`${PROTOCOL}:`)) {
      const target = parseDeepLink(arg);
      if (target) targets.push(target);
    } else if (isModelPath(arg)) {
      const path = isAbsolute(arg) ? arg : workingDirectory === undefined ? resolve(arg) : resolve(workingDirectory, arg);
      targets.push({ kind: 'import', path });
    }
  }
  return targets;
}

/** The renderer route (hash) that shows a target: the repo page, or My Models after an import. */
export function routeFor(target: LaunchTarget): string {
  return target.kind === 'repo' ? `#/discover/${target.repo}` : '#/models';
}
