/** Electron IPC channel names, shared by the main-process host and the preload bridge. */
export const CALL_CHANNEL = 'hearth:call';
export const EVENT_CHANNEL = 'hearth:event';
