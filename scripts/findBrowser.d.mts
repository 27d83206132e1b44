// Types for findBrowser.mjs (plain JavaScript so scripts/test.mjs can run it with bare Node).

export interface BrowserSearchOptions {
  /** Environment to read HEARTH_CHROMIUM, HEARTH_NO_INSTALL from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Whether a file exists (default fs.existsSync). */
  exists?: (path: string) => boolean;
  /** The path of an executable on PATH, or undefined (default: a PATH scan). */
  which?: (name: string) => string | undefined;
  /** Where Playwright's downloaded Chromium would be (default: playwright-core's answer). */
  playwrightChromium?: () => string | undefined;
  /** Running as root (default process.getuid() === 0). */
  isRoot?: boolean;
  /** Installs Debian's chromium with apt-get; true on success. */
  install?: () => boolean;
  /** Prints one line of progress (default stdout). */
  log?: (line: string) => void;
}

export interface FoundBrowser {
  path: string;
  /** Which rule found it, for the log. */
  source: string;
}

export const APT_INSTALL: string;
export function whichOnPath(name: string, env?: Record<string, string | undefined>): string | undefined;
export function findBrowser(options?: BrowserSearchOptions): FoundBrowser | { path?: undefined; problem: string } | undefined;
export function ensureBrowser(options?: BrowserSearchOptions): (FoundBrowser & { advice?: undefined }) | { path?: undefined; source?: undefined; advice: string };
