import { createBridgeTransport } from './bridgeTransport';
import type { RendererTransport } from './types';
import { createWsTransport, rpcUrl } from './wsTransport';

/**
 * Picks the transport by itself: the Electron preload bridge when there is one, else the
 * headless host's WebSocket on this page's origin.
 */
export function createTransport(): RendererTransport {
  if (window.bridge) return createBridgeTransport(window.bridge);
  return createWsTransport(rpcUrl(window.location), { onFirstOpen: removeTokenFromAddressBar });
}

/**
 * The page was opened with `?token=…`; the server answered with a session cookie, which is what
 * authenticates from now on. Once the socket is open the cookie evidently works, so drop the
 * token from the address bar (and from history) rather than leave it to be copied or shared.
 */
export function removeTokenFromAddressBar(): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}
