/**
 * What the desktop window may show, open and call, as plain functions (no Electron), so they are
 * unit-tested. windowSecurity.ts and ipcHost.ts apply them to the real window and IPC.
 */

/** True when `url` is the app's own page (same scheme, host and path; any #route or ?query). */
export function isAppUrl(url: string, appUrl: string): boolean {
  try {
    const target = new URL(url);
    const app = new URL(appUrl);
    return target.protocol === app.protocol && target.host === app.host && target.pathname === app.pathname;
  } catch {
    return false;
  }
}

/** Links that may leave the app for the user's browser: `https:` only (no file:, javascript:, custom schemes). */
export function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The part of Electron's `WebFrameMain` the sender check reads. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * IPC is accepted only from the app's page in a top-level frame. An iframe, a page that was
 * navigated elsewhere, or a frame that is already gone (`null`) cannot drive the app.
 */
export function isTrustedSenderFrame(frame: SenderFrame | null | undefined, appUrl: string): boolean {
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url, appUrl);
}
