import type { ErrorShape } from './errors';
import type { EventName } from './events';

/**
 * Messages on the headless host's WebSocket (`/rpc`). The Electron bridge carries the same calls
 * and events over IPC, so the renderer sees one API whatever the transport.
 */
export interface WireCall {
  type: 'call';
  /** Client-chosen, unique per connection. */
  id: number;
  method: string;
  args: unknown;
}

export type WireResult =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorShape };

export interface WireEvent {
  type: 'event';
  event: EventName;
  payload: unknown;
}

export type ServerMessage = WireResult | WireEvent;

/** Path of the RPC WebSocket on the headless host. */
export const RPC_PATH = '/rpc';
