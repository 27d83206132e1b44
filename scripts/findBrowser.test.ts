import { describe, expect, it, vi } from 'vitest';
import { ensureBrowser, findBrowser, type BrowserSearchOptions } from './findBrowser.mjs';

const PLAYWRIGHT = '/home/u/.cache/ms-playwright/chromium-1/chrome-linux64/chrome';

/** A fake machine: `files` exist, `onPath` maps command names to paths. Never touches the real one. */
function machine(files: string[], onPath: Record<string, string> = {}, extra: BrowserSearchOptions = {}): Required<BrowserSearchOptions> {
  const present = new Set(files);
  return {
    env: {},
    exists: (path) => present.has(path),
    which: (name) => onPath[name],
    playwrightChromium: () => PLAYWRIGHT,
    isRoot: false,
    install: vi.fn(() => {
      throw new Error('install must not run');
    }),
    log: vi.fn(),
    ...extra,
  };
}

describe('findBrowser', () => {
  const everything = machine(['/opt/my/chrome', '/usr/bin/chromium', PLAYWRIGHT], { chromium: '/snap/bin/chromium', 'chromium-browser': '/usr/bin/chromium-browser' });

  it('prefers HEARTH_CHROMIUM, then /usr/bin/chromium, then PATH, then Playwright', () => {
    expect(findBrowser({ ...everything, env: { HEARTH_CHROMIUM: '/opt/my/chrome' } })?.path).toBe('/opt/my/chrome');
    expect(findBrowser(everything)?.path).toBe('/usr/bin/chromium');
    expect(findBrowser({ ...everything, exists: (p) => p !== '/usr/bin/chromium' })?.path).toBe('/snap/bin/chromium');
    expect(findBrowser(machine([PLAYWRIGHT], { 'chromium-browser': '/usr/bin/chromium-browser' }))?.path).toBe('/usr/bin/chromium-browser');
    expect(findBrowser(machine([PLAYWRIGHT]))).toEqual({ path: PLAYWRIGHT, source: "Playwright's Chromium" });
  });

  it('ignores a Playwright path that was never downloaded, and a missing playwright-core', () => {
    expect(findBrowser(machine([]))).toBeUndefined();
    expect(findBrowser(machine([PLAYWRIGHT], {}, { playwrightChromium: () => undefined }))).toBeUndefined();
  });

  it('never replaces an explicit HEARTH_CHROMIUM that does not exist', () => {
    const result = findBrowser({ ...everything, env: { HEARTH_CHROMIUM: '/typo/chrome' } });
    expect(result).toEqual({ problem: expect.stringContaining('HEARTH_CHROMIUM is set to /typo/chrome') });
  });
});

describe('ensureBrowser', () => {
  it('returns a found browser without installing', () => {
    const m = machine(['/usr/bin/chromium'], { 'apt-get': '/usr/bin/apt-get' }, { isRoot: true });
    expect(ensureBrowser(m).path).toBe('/usr/bin/chromium');
    expect(m.install).not.toHaveBeenCalled();
  });

  it('as root with apt-get, installs Debian chromium and then finds it', () => {
    const files: string[] = [];
    const install = vi.fn(() => {
      files.push('/usr/bin/chromium');
      return true;
    });
    const m = machine([], { 'apt-get': '/usr/bin/apt-get' }, { isRoot: true, install, exists: (p) => files.includes(p) });
    expect(ensureBrowser(m).path).toBe('/usr/bin/chromium');
    expect(install).toHaveBeenCalledOnce();
    expect(m.log).toHaveBeenCalledWith("No Chromium found: installing Debian's chromium with apt-get (needed by the end-to-end tests)…");
  });

  it('with HEARTH_NO_INSTALL=1 installs nothing and says which command to run', () => {
    const m = machine([], { 'apt-get': '/usr/bin/apt-get' }, { isRoot: true, env: { HEARTH_NO_INSTALL: '1' } });
    expect(ensureBrowser(m)).toEqual({ advice: 'No Chromium found for the end-to-end tests: run `apt-get update && apt-get install chromium`, then `npm test` again.' });
    expect(m.install).not.toHaveBeenCalled();
  });

  it('as a normal user with apt-get, asks for sudo apt-get', () => {
    const m = machine([], { 'apt-get': '/usr/bin/apt-get' });
    expect(ensureBrowser(m).advice).toContain('run `sudo apt-get install chromium`');
    expect(m.install).not.toHaveBeenCalled();
  });

  it('without apt-get, asks for Playwright’s Chromium', () => {
    const m = machine([], {}, { isRoot: true });
    expect(ensureBrowser(m).advice).toContain('run `npx playwright install chromium`');
    expect(m.install).not.toHaveBeenCalled();
  });

  it('when the apt-get install fails, falls back to Playwright’s Chromium', () => {
    const m = machine([], { 'apt-get': '/usr/bin/apt-get' }, { isRoot: true, install: vi.fn(() => false) });
    expect(ensureBrowser(m)).toEqual({ advice: 'Installing chromium with apt-get failed: run `npx playwright install chromium`, then `npm test` again.' });
  });

  it('reports a wrong HEARTH_CHROMIUM instead of installing', () => {
    const m = machine([], { 'apt-get': '/usr/bin/apt-get' }, { isRoot: true, env: { HEARTH_CHROMIUM: '/typo' } });
    expect(ensureBrowser(m).advice).toContain('HEARTH_CHROMIUM is set to /typo');
    expect(m.install).not.toHaveBeenCalled();
  });
});
