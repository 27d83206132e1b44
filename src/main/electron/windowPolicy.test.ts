import { describe, expect, it } from 'vitest';
import { isAppUrl, isExternalLink, isTrustedSenderFrame } from './navigationPolicy';
import { isPermissionGranted } from './permissions';

const appUrl = 'file:///opt/Hearth/resources/app.asar/out/renderer/index.html';
const devUrl = 'http://localhost:5173/';

describe('navigation policy', () => {
  it('knows the app page by scheme, host and path, whatever the route', () => {
    expect(isAppUrl(`${appUrl}#/chat/abc`, appUrl)).toBe(true);
    expect(isAppUrl('http://localhost:5173/?x=1#/models', devUrl)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', appUrl)).toBe(false);
    expect(isAppUrl('http://localhost:5174/', devUrl)).toBe(false);
    expect(isAppUrl('not a url', appUrl)).toBe(false);
  });

  it('lets only https links out to the browser', () => {
    expect(isExternalLink('https://huggingface.co/Qwen')).toBe(true);
    for (const url of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'hearth://model/a/b', 'smb://host/share', '']) {
      expect(isExternalLink(url), url).toBe(false);
    }
  });

  it('trusts IPC only from the app page in the top frame', () => {
    expect(isTrustedSenderFrame({ url: `${appUrl}#/chat`, parent: null }, appUrl)).toBe(true);
    expect(isTrustedSenderFrame({ url: `${appUrl}#/chat`, parent: {} }, appUrl)).toBe(false);
    expect(isTrustedSenderFrame({ url: 'https://evil.example/', parent: null }, appUrl)).toBe(false);
    expect(isTrustedSenderFrame(null, appUrl)).toBe(false);
    expect(isTrustedSenderFrame(undefined, appUrl)).toBe(false);
  });
});

describe('permissions', () => {
  const ask = (permission: string, requestingUrl: string | undefined = `${appUrl}#/server`, isMainFrame: boolean | undefined = true) => isPermissionGranted({ permission, requestingUrl, isMainFrame }, appUrl);

  it('denies camera, microphone, notifications, location, devices and the rest', () => {
    for (const permission of ['media', 'notifications', 'geolocation', 'midi', 'midiSysex', 'hid', 'usb', 'serial', 'clipboard-read', 'display-capture', 'openExternal', 'fullscreen', 'pointerLock', 'local-network-access', 'unknown']) {
      expect(ask(permission), permission).toBe(false);
    }
  });

  it('allows the Copy buttons to write the clipboard, from the app page only', () => {
    expect(ask('clipboard-sanitized-write')).toBe(true);
    expect(ask('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(ask('clipboard-sanitized-write', `${appUrl}`, false)).toBe(false);
    expect(isPermissionGranted({ permission: 'clipboard-sanitized-write', requestingUrl: undefined, isMainFrame: true }, appUrl)).toBe(false);
  });
});
