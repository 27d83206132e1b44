// Finds the Chromium the end-to-end tests drive (Playwright gets it as HEARTH_CHROMIUM), so that
// `npm install && npm test` works on a fresh machine. Order: HEARTH_CHROMIUM, /usr/bin/chromium
// (Debian's package), `chromium` / `chromium-browser` on PATH, Playwright's own download. With
// none, and running as root where apt-get exists, installs Debian's chromium (the way CI always
// did) unless HEARTH_NO_INSTALL=1; otherwise gives one line saying which command to run.
//
// `node scripts/findBrowser.mjs` prints the path (exit 0) or that line (exit 1).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The install command, as .ci/run used to run it. */
export const APT_INSTALL = 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium';

/** Where Playwright's `npx playwright install chromium` puts Chromium (whether or not it is there). */
function playwrightChromium() {
  try {
    return createRequire(import.meta.url)('playwright-core').chromium.executablePath();
  } catch {
    return undefined; // playwright-core not installed yet, or no build for this platform
  }
}

/** The executable `name` on PATH, like `command -v`. */
export function whichOnPath(name, env = process.env) {
  const extensions = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const extension of extensions) {
      const candidate = join(dir, name + extension);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

function defaults(options) {
  return {
    env: process.env,
    exists: existsSync,
    which: (name) => whichOnPath(name),
    playwrightChromium,
    isRoot: process.getuid?.() === 0,
    install: () => spawnSync('sh', ['-c', APT_INSTALL], { stdio: ['ignore', 'ignore', 'inherit'] }).status === 0,
    log: (line) => process.stdout.write(`${line}\n`),
    ...options,
  };
}

/**
 * Looks for Chromium without installing anything.
 * @returns `{ path, source }` when found; `{ problem }` when HEARTH_CHROMIUM names a missing file
 *   (an explicit choice is never silently replaced); `undefined` when there is none.
 */
export function findBrowser(options = {}) {
  const { env, exists, which, playwrightChromium } = defaults(options);
  if (env.HEARTH_CHROMIUM) {
    if (exists(env.HEARTH_CHROMIUM)) return { path: env.HEARTH_CHROMIUM, source: 'HEARTH_CHROMIUM' };
    return { problem: `HEARTH_CHROMIUM is set to ${env.HEARTH_CHROMIUM}, which does not exist: point it at a Chromium binary or unset it.` };
  }
  if (exists('/usr/bin/chromium')) return { path: '/usr/bin/chromium', source: "Debian's chromium" };
  for (const name of ['chromium', 'chromium-browser']) {
    const path = which(name);
    if (path) return { path, source: `${name} on PATH` };
  }
  const downloaded = playwrightChromium();
  if (downloaded && exists(downloaded)) return { path: downloaded, source: "Playwright's Chromium" };
  return undefined;
}

/**
 * Finds Chromium, installing Debian's package when that is possible and allowed.
 * @returns `{ path, source }`, or `{ advice }`: one line saying what to run.
 */
export function ensureBrowser(options = {}) {
  const o = defaults(options);
  const found = findBrowser(o);
  if (found?.path) return found;
  if (found?.problem) return { advice: found.problem };

  const hasApt = Boolean(o.which('apt-get'));
  let installFailed = false;
  if (hasApt && o.isRoot && o.env.HEARTH_NO_INSTALL !== '1') {
    o.log("No Chromium found: installing Debian's chromium with apt-get (needed by the end-to-end tests)…");
    if (o.install()) {
      const installed = findBrowser(o);
      if (installed?.path) return installed;
    }
    installFailed = true;
  }
  let command = 'npx playwright install chromium';
  if (hasApt && !installFailed) command = o.isRoot ? 'apt-get update && apt-get install chromium' : 'sudo apt-get install chromium';
  const why = installFailed ? 'Installing chromium with apt-get failed' : 'No Chromium found for the end-to-end tests';
  return { advice: `${why}: run \`${command}\`, then \`npm test\` again.` };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const browser = ensureBrowser();
  process.stdout.write(`${browser.path ?? browser.advice}\n`);
  process.exit(browser.path ? 0 : 1);
}
