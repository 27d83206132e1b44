import type { ErrorShape } from './errors';
import type { EventName } from './events';

/**
 * Messages on the headless host's WebSocket (`/rpc`). The Electron bridge carries the same calls,
 * chunks and events over IPC, so the renderer sees one API whatever the transport.
 */
export interface WireCall {
  type: 'call';
  /** Client-chosen, unique per connection. */
  id: number;
  method: string;
  args: unknown;
}

/** Client → server: the caller no longer wants call `id` (its handler's signal is aborted). */
export interface WireCancel {
  type: 'cancel';
  id: number;
}

export type ClientMessage = WireCall | WireCancel;

export type WireResult =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorShape };

/** Server → the one connection that made call `id`: a chunk of its streamed output. */
export interface WireChunk {
  type: 'chunk';
  id: number;
  chunk: unknown;
}

export interface WireEvent {
  type: 'event';
  event: EventName;
  payload: unknown;
}

export type ServerMessage = WireResult | WireChunk | WireEvent;

/** Path of the RPC WebSocket on the headless host. */
export const RPC_PATH = '/rpc';
