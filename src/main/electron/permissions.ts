import { isAppUrl } from './navigationPolicy';

/**
 * Web permissions of the desktop window (camera, microphone, notifications, geolocation, HID,
 * MIDI, …): all denied. The one exception is writing to the clipboard, which the Copy buttons
 * use (`navigator.clipboard.writeText`), and only for the app's own page in the top frame.
 * Electron grants everything when no handler is set, so both the request and the check handler
 * call this.
 */
const GRANTED_TO_THE_APP: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export interface PermissionAsk {
  /** Electron's permission name, e.g. `media`, `notifications`, `clipboard-sanitized-write`. */
  permission: string;
  /** The URL of the frame that asks; absent when Electron does not know it (then: denied). */
  requestingUrl: string | undefined;
  /** False for iframes; undefined when Electron does not say. */
  isMainFrame: boolean | undefined;
}

export function isPermissionGranted(ask: PermissionAsk, appUrl: string): boolean {
  if (!GRANTED_TO_THE_APP.has(ask.permission)) return false;
  if (ask.isMainFrame === false || ask.requestingUrl === undefined) return false;
  return isAppUrl(ask.requestingUrl, appUrl);
}
