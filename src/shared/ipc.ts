/** Electron IPC channel names, shared by the main-process host and the preload bridge. */
export const CALL_CHANNEL = 'hearth:call';
/** Main → the window that made a call: `(callId, chunk)`. */
export const CHUNK_CHANNEL = 'hearth:chunk';
/** Window → main: `(callId)`, the caller gave up on that call. */
export const CANCEL_CHANNEL = 'hearth:cancel';
export const EVENT_CHANNEL = 'hearth:event';
