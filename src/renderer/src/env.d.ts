/// <reference types="vite/client" />

/** Reply of the preload bridge: the value, or the shared error shape. */
export type BridgeReply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/** What `src/preload` exposes on `window.bridge` (Electron only; absent in a browser). */
export interface HearthBridge {
  /**
   * Calls one contract method; `callId` (unique per window) names it for {@link cancel}, and
   * `onChunk` receives its streamed chunks. Resolves with a {@link BridgeReply}; may reject with an
   * Error whose message is JSON `{code, message}`.
   */
  call(callId: number, method: string, args: unknown, onChunk?: (chunk: unknown) => void): Promise<BridgeReply>;
  /** The page gave up on call `callId`: the app stops working on it. */
  cancel(callId: number): void;
  /** Subscribes to every pushed event. Returns an unsubscribe function. */
  onEvent(callback: (event: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    bridge?: HearthBridge;
  }
}
