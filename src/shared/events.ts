import type { InferenceState } from './dto';
import type { ChatChanged, ToolCallPending } from './chatDto';
import type { DownloadStatus } from './hubDto';
import type { ApiRequestLogEntry, ApiServerStatus } from './serverDto';
import type { McpOverview } from './mcpDto';

/**
 * State changes pushed from core to every connected UI, declared once: the names, the payload
 * types and the run-time list all come from this map. Names are `group.nounVerbed`.
 * Reply text is NOT an event: it streams only to the caller that asked (see `ChatChunk`).
 */
const eventMap = {
  /** Engine, loaded model, load progress, active or queued requests changed. */
  'inference.stateChanged': payload<InferenceState>(),
  /** Load progress of `modelId`, 0–1. Sent at most every ~50 ms. */
  'inference.loadProgressed': payload<{ modelId: string; progress: number }>(),
  /** The library changed (a download landed, a model was imported or deleted, a folder added or removed); clients refetch `library.listModels`. */
  'library.changed': payload<{ reason: string }>(),
  /** A download changed state, or made progress (at most ~4 times a second per download). */
  'downloads.changed': payload<DownloadStatus>(),
  /**
   * A chat was created, changed, deleted or restored, or its reply started, reached a checkpoint
   * or ended. At most once a second per chat; clients refetch `chats.get` / `chats.list`.
   */
  'chats.changed': payload<ChatChanged>(),
  /** A chat's reply called an MCP tool that is not always allowed: it waits for `chats.decideToolCall`. */
  'chats.toolCallPending': payload<ToolCallPending>(),
  /** The API server started, stopped or failed to start. */
  'server.statusChanged': payload<ApiServerStatus>(),
  /** The API server answered a request (the live request log). */
  'server.requestLogged': payload<ApiRequestLogEntry>(),
  /** An MCP server's status changed (connecting, ready, error, off), or the configuration did: the whole overview, never a secret. */
  'mcp.serversChanged': payload<McpOverview>(),
};

/** Phantom marker: carries the payload type, nothing at run time. */
function payload<P>(): P {
  return undefined as P;
}

export type AppEvents = typeof eventMap;
export type EventName = keyof AppEvents;

export const eventNames = Object.keys(eventMap) as EventName[];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventMap, name);
}

/** Envelope used by transports that carry events as one message type. */
export interface EventEnvelope<E extends EventName = EventName> {
  event: E;
  payload: AppEvents[E];
}
