import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { AppError } from '../../../shared/errors';
import type { McpServerStatus, McpTool, McpToolResult } from '../../../shared/mcpDto';
import type { Logger } from '../logging/logger';
import type { McpDefinition } from './mcpConfig';
import { toolResultText } from './mcpOutput';
import { loadMcpSdk, type McpSdk } from './mcpSdk';
import { mask, type ServerLog } from './serverLog';

/** Starting a server may include `npx` fetching it first: it gets at least this long, in ms. */
export const MCP_START_TIMEOUT_MS = 60_000;
/** Most pages of `tools/list` read (a server that keeps answering with a cursor is cut off there). */
const MAX_TOOL_PAGES = 20;

export interface ConnectionOptions {
  name: string;
  definition: McpDefinition;
  timeoutMs: number;
  /** Stdio servers only. */
  log: ServerLog | null;
  logger: Logger;
  version: string;
  onStatus: () => void;
}

/**
 * One configured server's client: started on first need, restarted on the next need after a
 * failure or a crash. Every state change is reported through `onStatus`.
 */
export class McpConnection {
  status: McpServerStatus = { state: 'off' };
  private client: Client | null = null;
  private transport: Transport | null = null;
  /** Loaded at the first start (see mcpSdk.ts). */
  private sdk: McpSdk | null = null;
  private starting: Promise<Client> | null = null;
  private tools: McpTool[] | null = null;
  /** Bumped on every start and stop: callbacks of an older client are ignored. */
  private generation = 0;

  constructor(private readonly options: ConnectionOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** The stdio server's process id while it runs (diagnostics and tests). */
  get pid(): number | null {
    return this.options.definition.transport === 'stdio' && this.transport ? (this.transport as StdioClientTransport).pid : null;
  }

  async listTools(): Promise<McpTool[]> {
    await this.ready();
    return this.tools ?? [];
  }

  async callTool(tool: string, args: Record<string, unknown>, options: { signal?: AbortSignal; timeoutMs?: number }): Promise<McpToolResult> {
    const client = await this.ready();
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const generation = this.generation;
    try {
      const result = await client.callTool({ name: tool, arguments: args }, undefined, {
        timeout: timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return toolResultText(result as Record<string, unknown>);
    } catch (error) {
      throw this.callError(error, tool, timeoutMs, options.signal, generation);
    }
  }

  /** Stops the server (a stdio process is ended: stdin closed, then SIGTERM, then SIGKILL). */
  async stop(): Promise<void> {
    this.generation++;
    const client = this.client;
    this.client = null;
    this.transport = null;
    this.starting = null;
    this.tools = null;
    if (this.status.state !== 'off') this.setStatus({ state: 'off' });
    if (client) {
      this.options.log?.note('stopped by Hearth');
      await client.close().catch(() => undefined);
    }
  }

  private ready(): Promise<Client> {
    if (this.client && this.status.state === 'ready') return Promise.resolve(this.client);
    this.starting ??= this.start();
    return this.starting;
  }

  private async start(): Promise<Client> {
    const generation = ++this.generation;
    this.setStatus({ state: 'connecting' });
    this.options.log?.resetTail();
    this.options.log?.note('starting');
    const timeout = Math.max(MCP_START_TIMEOUT_MS, this.options.timeoutMs);
    try {
      this.sdk ??= await loadMcpSdk();
      const { client, transport } = await this.connect(this.sdk, timeout);
      if (generation !== this.generation) {
        await client.close().catch(() => undefined);
        throw new AppError('NETWORK', `MCP server "${this.name}" was stopped while it started.`);
      }
      this.client = client;
      this.transport = transport;
      client.onclose = () => this.lost(generation);
      this.tools = await this.fetchTools(client, timeout);
      client.setNotificationHandler(this.sdk.ToolListChangedNotificationSchema, () => {
        void this.fetchTools(client, timeout).then(
          (tools) => {
            if (generation !== this.generation) return;
            this.tools = tools;
            this.setStatus({ state: 'ready', toolCount: tools.length });
          },
          () => undefined,
        );
      });
      this.starting = null;
      this.setStatus({ state: 'ready', toolCount: this.tools.length });
      this.options.log?.note(`ready, ${this.tools.length} tools`);
      return client;
    } catch (error) {
      if (generation === this.generation) {
        const reason = this.startFailure(error);
        this.options.log?.note(`failed to start: ${reason}`);
        await this.client?.close().catch(() => undefined);
        this.client = null;
        this.transport = null;
        this.starting = null;
        this.setStatus({ state: 'error', reason });
        throw new AppError('NETWORK', `MCP server "${this.name}" could not start: ${reason}`);
      }
      throw error;
    }
  }

  private async connect(sdk: McpSdk, timeout: number): Promise<{ client: Client; transport: Transport }> {
    const { definition } = this.options;
    const { StdioClientTransport, SSEClientTransport, StreamableHTTPClientTransport } = sdk;
    if (definition.transport === 'stdio') {
      const transport = new StdioClientTransport({
        command: definition.command,
        args: definition.args,
        env: definition.env,
        ...(definition.cwd ? { cwd: definition.cwd } : {}),
        stderr: 'pipe',
      });
      transport.stderr?.on('data', (chunk: Buffer) => this.options.log?.write(chunk.toString('utf8')));
      const client = this.newClient(sdk);
      await client.connect(transport, { timeout });
      return { client, transport };
    }
    const url = new URL(definition.url);
    const requestInit = { headers: definition.headers };
    if (definition.transport === 'sse') {
      const transport = new SSEClientTransport(url, { requestInit });
      const client = this.newClient(sdk);
      await client.connect(transport, { timeout });
      return { client, transport };
    }
    // Streamable HTTP first; a server that only speaks the older SSE transport refuses it, then SSE.
    const streamable = new StreamableHTTPClientTransport(url, { requestInit });
    const client = this.newClient(sdk);
    try {
      await client.connect(streamable, { timeout });
      return { client, transport: streamable };
    } catch (first) {
      await client.close().catch(() => undefined);
      const sse = new SSEClientTransport(url, { requestInit });
      const fallback = this.newClient(sdk);
      try {
        await fallback.connect(sse, { timeout });
        return { client: fallback, transport: sse };
      } catch {
        await fallback.close().catch(() => undefined);
        throw first;
      }
    }
  }

  private newClient(sdk: McpSdk): Client {
    return new sdk.Client({ name: 'Hearth', version: this.options.version }, { capabilities: {} });
  }

  private async fetchTools(client: Client, timeout: number): Promise<McpTool[]> {
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const answer = await client.listTools(cursor ? { cursor } : undefined, { timeout });
      for (const tool of answer.tools) {
        tools.push({
          name: tool.name,
          ...(tool.title ? { title: tool.title } : {}),
          ...(tool.description ? { description: tool.description } : {}),
          inputSchema: tool.inputSchema as Record<string, unknown>,
        });
      }
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    return tools;
  }

  /** The connection went away without Hearth asking (the process exited, the socket closed). */
  private lost(generation: number): void {
    if (generation !== this.generation) return;
    this.generation++;
    this.client = null;
    this.transport = null;
    this.starting = null;
    this.tools = null;
    const tail = this.options.log?.tail();
    const reason = `The server stopped${tail ? ` (last output: ${lastLine(tail)})` : ''}. It restarts on next use.`;
    this.options.log?.note('the connection closed unexpectedly');
    this.options.logger.warn('MCP server stopped', { server: this.name });
    this.setStatus({ state: 'error', reason });
  }

  private startFailure(error: unknown): string {
    const { definition } = this.options;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (definition.transport === 'stdio' && code === 'ENOENT') return `command not found: ${definition.command}`;
    if (definition.transport === 'stdio' && code === 'EACCES') return `permission denied running ${definition.command}`;
    const message = this.clean(error instanceof Error ? error.message : String(error));
    const tail = this.options.log?.tail();
    return tail ? `${message} (last output: ${lastLine(tail)})` : message;
  }

  private callError(error: unknown, tool: string, timeoutMs: number, signal: AbortSignal | undefined, generation: number): AppError {
    const where = `MCP server "${this.name}", tool "${tool}"`;
    if (signal?.aborted) return new AppError('BAD_REQUEST', `${where}: the call was cancelled.`);
    const { McpError, ErrorCode } = this.sdk!;
    if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
      return new AppError('NETWORK', `${where}: no answer within ${formatSeconds(timeoutMs)}; the call was cancelled.`);
    }
    if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
      // `lost` has already set the error status (it runs before pending calls are rejected).
      return new AppError('NETWORK', `${where}: the server stopped during the call. It restarts on next use.`);
    }
    if (error instanceof McpError) {
      return new AppError(error.code === ErrorCode.InvalidParams ? 'BAD_REQUEST' : 'NETWORK', `${where}: ${this.clean(error.message)}`);
    }
    // A transport failure (HTTP refused, socket reset): start again on the next use.
    if (generation === this.generation) {
      void this.stop().then(() => this.setStatus({ state: 'error', reason: this.clean(String((error as Error)?.message ?? error)) }));
    }
    return new AppError('NETWORK', `${where}: ${this.clean(error instanceof Error ? error.message : String(error))}`);
  }

  /** Error text from the server or the SDK with any secret value of this server masked. */
  private clean(text: string): string {
    const { definition } = this.options;
    const secrets = definition.transport === 'stdio' ? Object.values(definition.env) : Object.values(definition.headers);
    return mask(text, secrets).slice(0, 500);
  }

  private setStatus(status: McpServerStatus): void {
    this.status = status;
    this.options.onStatus();
  }
}

function lastLine(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() && !line.startsWith('[hearth '));
  return (lines.at(-1) ?? '').trim().slice(0, 300);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
