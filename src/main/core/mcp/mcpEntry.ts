import type { McpSaveServerArgs } from '../../../shared/mcpSchemas';
import type { McpEntry } from './mcpConfig';

/** The keys Hearth writes itself; any other key of an edited entry (another app's) is kept. */
const KNOWN_KEYS = new Set(['type', 'command', 'args', 'env', 'cwd', 'url', 'headers', 'enabled', 'timeoutMs']);

/**
 * The `mcp.json` entry for what the UI saved. A secret sent as `null` keeps the value stored under
 * that name (the UI only ever sees names); a name left out is removed.
 */
export function entryFromInput(args: McpSaveServerArgs, current: McpEntry | undefined): McpEntry {
  const entry: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(current ?? {})) if (!KNOWN_KEYS.has(key)) entry[key] = value;
  const { server } = args;
  if (server.transport === 'stdio') {
    entry.command = server.command;
    if (server.args.length) entry.args = server.args;
    const env = secrets(server.env, current?.env);
    if (Object.keys(env).length) entry.env = env;
    if (server.cwd) entry.cwd = server.cwd;
  } else {
    // Streamable HTTP needs no `type` (it is what a bare `url` means); SSE-only servers say so.
    if (server.transport === 'sse') entry.type = 'sse';
    entry.url = server.url;
    const headers = secrets(server.headers, current?.headers);
    if (Object.keys(headers).length) entry.headers = headers;
  }
  const enabled = args.enabled ?? current?.enabled ?? true;
  if (!enabled) entry.enabled = false;
  const timeoutMs = args.timeoutMs === undefined ? current?.timeoutMs : args.timeoutMs;
  if (timeoutMs !== undefined && timeoutMs !== null) entry.timeoutMs = timeoutMs;
  return entry as McpEntry;
}

function secrets(given: Record<string, string | null>, stored: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value !== null) out[name] = value;
    else if (stored?.[name] !== undefined) out[name] = stored[name];
  }
  return out;
}
