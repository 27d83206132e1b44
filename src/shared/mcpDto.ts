/** What the `mcp.*` methods answer. Never carries a secret: env and header values stay in core. */

/** `off`: not running (turned off, or not needed yet: servers start on first use). */
export type McpServerStatus =
  | { state: 'off' }
  | { state: 'connecting' }
  | { state: 'ready'; toolCount: number }
  | { state: 'error'; reason: string };

export interface McpServerInfo {
  name: string;
  enabled: boolean;
  /** `stdio`: a local command; `http`: Streamable HTTP (SSE as fallback); `sse`: the older SSE transport. */
  transport: 'stdio' | 'http' | 'sse';
  command?: string;
  args?: string[];
  cwd?: string;
  url?: string;
  /** Names of the environment variables set for it; values are never sent. */
  envNames: string[];
  /** Names of the HTTP headers sent to it; values are never sent. */
  headerNames: string[];
  /** The tool call deadline, in ms. */
  timeoutMs: number;
  /** Whether `timeoutMs` comes from the file (false: the default). */
  timeoutSet: boolean;
  status: McpServerStatus;
  /** Where a stdio server's stderr goes. */
  logFile?: string;
}

export interface McpOverview {
  /** `<dataDir>/mcp.json`. */
  configPath: string;
  /** Why the file could not be used (the field and what is wrong); it is kept as it is, and changes are refused until it is fixed. */
  configError: string | null;
  servers: McpServerInfo[];
}

export interface McpTool {
  name: string;
  title?: string;
  description?: string;
  /** JSON schema of the arguments (an object schema). */
  inputSchema: Record<string, unknown>;
}

export interface McpToolList {
  server: string;
  tools: McpTool[];
}

export interface McpImportResult {
  /** Names added as they were. */
  added: string[];
  /** Entries whose name was taken by a different server: added under a suffixed name. */
  renamed: { from: string; to: string }[];
  /** Entries identical to a server already configured: left alone. */
  unchanged: string[];
  overview: McpOverview;
}

/** A tool's answer as text for the model: its text parts joined, other parts described. */
export interface McpToolResult {
  content: string;
  /** The tool reported an error (its text says which). */
  isError: boolean;
  /** The text was cut at `MCP_OUTPUT_CAP_BYTES`; a note at its end says so. */
  truncated: boolean;
}
