/**
 * The local API server (OpenAI-compatible `/v1/*`) as the UI and the CLI see it: whether it runs,
 * where, and the requests it answered. Plain serializable objects.
 */

/** Where the API server listens and what it lets through; what `server.start` was given. */
export interface ApiServerSettings {
  /** Interface it binds; `127.0.0.1` unless the user opted in to the local network. */
  host: string;
  /** TCP port; 0 picked a free one (see {@link ApiServerStatus.port} for the real one). */
  port: number;
  /** Origins a browser page may call from (CORS allow-list); empty = no cross-origin access. */
  corsOrigins: string[];
  /** Minutes without requests after which a model the API loaded is unloaded; 0 = never. */
  idleUnloadMinutes: number;
}

export interface ApiServerStatus {
  running: boolean;
  /** The settings it runs with, or last ran with (kept between runs in `settings.json`); null when none are known. */
  settings: ApiServerSettings | null;
  /** Port it listens on while running (the real one when 0 was asked). */
  port?: number;
  /** Base URL for OpenAI clients, e.g. `http://127.0.0.1:1234/v1`, while running. */
  baseUrl?: string;
  /** True when requests must carry `Authorization: Bearer <key>`. The key itself is never returned. */
  apiKeySet: boolean;
  /** When it started (ISO-8601), while running. */
  startedAt?: string;
  /** Set when bound beyond this machine (LAN): what that exposes, for people. */
  warning?: string;
  /** Why the last start failed (port in use, …), until the next successful start. */
  lastError?: string;
}

/** One answered request, as kept in memory and in `<dataDir>/logs/api.jsonl`. */
export interface ApiRequestLogEntry {
  /** Increasing number within this session; `server.getLog({ afterId })` returns the newer ones. */
  id: number;
  /** When the request arrived (ISO-8601). */
  time: string;
  method: string;
  /** Path without the query string. */
  path: string;
  /** The `model` the request named, if any. */
  model?: string;
  /** HTTP status sent (for a stream: 200, even when it later ended with an error event). */
  status: number;
  promptTokens?: number;
  completionTokens?: number;
  /** From arrival to the last byte sent, in ms. */
  durationMs: number;
  /** Hearth's error code when the request failed (`BUSY`, `CONTEXT_OVERFLOW`, …) or `client_closed`. */
  error?: string;
}

/** Result of `server.getLog`: entries oldest first. */
export interface ApiLogPage {
  entries: ApiRequestLogEntry[];
}
