import { shell, type BrowserWindow, type Session } from 'electron';
import { isAppUrl, isExternalLink } from './navigationPolicy';
import { isPermissionGranted } from './permissions';

/**
 * The window may show only the app: no new windows, no navigation away, no webviews. Links with
 * `https:` open in the user's browser; anything else (file:, javascript:, custom schemes) is dropped.
 */
export function lockDownWindow(window: BrowserWindow, appUrl: string): void {
  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfSafe(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) {
      event.preventDefault();
      openExternalIfSafe(url);
    }
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * The window's session: every response carries the app's Content-Security-Policy, and web
 * permissions are decided by isPermissionGranted (everything denied but the clipboard write the
 * Copy buttons need). Electron grants all permissions and devices when no handler is set.
 */
export function lockDownSession(session: Session, appUrl: string, contentSecurityPolicy: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionGranted({ permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame }, appUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    isPermissionGranted({ permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame }, appUrl),
  );
  session.setDevicePermissionHandler(() => false);
}

function openExternalIfSafe(url: string): void {
  if (isExternalLink(url)) void shell.openExternal(url);
}
