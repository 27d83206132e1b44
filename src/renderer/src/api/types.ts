import type { Transport } from '../../../shared/client';

/** `open` for the Electron bridge always; the WebSocket moves between all three. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/** The shared transport plus what a UI needs to know about the connection. */
export interface RendererTransport extends Transport {
  readonly kind: 'bridge' | 'websocket';
  readonly connection: ConnectionState;
  /** Called on every change of {@link connection}. Returns an unsubscribe function. */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}
