import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { McpImportResult, McpOverview, McpServerInfo, McpToolList, McpToolResult } from '../../../shared/mcpDto';
import { MCP_DEFAULT_TIMEOUT_MS, type McpSaveServerArgs } from '../../../shared/mcpSchemas';
import type { Logger } from '../logging/logger';
import { writeFileAtomic } from '../storage/atomicWrite';
import { definitionOf, parseMcpFile, readText, sameEntry, stampOf, type FileStamp, type McpEntry, type McpFile } from './mcpConfig';
import { McpConnection } from './mcpConnection';
import { entryFromInput } from './mcpEntry';
import { ServerLog } from './serverLog';
import { offeredTools, type OfferedTool } from './offeredTools';

export interface McpServiceOptions {
  dataDir: string;
  logger: Logger;
  /** Hearth's version, sent to servers as the client's. */
  version: string;
  /** Called after any server's status or the configuration changed (the `mcp.serversChanged` event). */
  onChanged?: (overview: McpOverview) => void;
}

interface Loaded {
  stamp: FileStamp | null;
  /** The file as read, unknown keys included; null when it is invalid. */
  file: McpFile | null;
  error: string | null;
}

/**
 * The MCP host: the servers of `<dataDir>/mcp.json`, started lazily on first need (listing or
 * calling tools), stopped on `close()`. The file is read again when it changed on disk; an invalid
 * file is never overwritten: it is reported, and changes are refused until it is fixed.
 */
export class McpService {
  readonly configPath: string;
  private loaded: Loaded = { stamp: null, file: null, error: null };
  private readonly connections = new Map<string, { entry: McpEntry; connection: McpConnection; log: ServerLog | null }>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: McpServiceOptions) {
    this.configPath = join(options.dataDir, 'mcp.json');
  }

  listServers(): Promise<McpOverview> {
    return this.serially(async () => {
      await this.refresh();
      return this.overview();
    });
  }

  saveServer(args: McpSaveServerArgs): Promise<McpOverview> {
    return this.change((servers) => {
      const previous = args.previousName ?? args.name;
      const current = servers[previous];
      if (args.previousName !== undefined && current === undefined) throw new AppError('NOT_FOUND', `No MCP server named "${args.previousName}".`);
      if (args.name !== previous && servers[args.name] !== undefined) throw new AppError('BAD_REQUEST', `An MCP server named "${args.name}" already exists.`);
      const next = { ...servers };
      delete next[previous];
      next[args.name] = entryFromInput(args, current);
      return next;
    });
  }

  removeServer(name: string): Promise<McpOverview> {
    return this.change((servers) => {
      if (servers[name] === undefined) throw new AppError('NOT_FOUND', `No MCP server named "${name}".`);
      const next = { ...servers };
      delete next[name];
      return next;
    });
  }

  setEnabled(name: string, enabled: boolean): Promise<McpOverview> {
    return this.change((servers) => {
      const current = servers[name];
      if (current === undefined) throw new AppError('NOT_FOUND', `No MCP server named "${name}".`);
      const entry = { ...current };
      // `enabled` is left out when true (the default), so the file stays as other apps write it.
      if (enabled) delete entry.enabled;
      else entry.enabled = false;
      return { ...servers, [name]: entry };
    });
  }

  /**
   * Merges another app's `mcp.json`. A name already taken by an identical server is left alone;
   * by a different one, the imported server gets the first free `<name>-2`, `<name>-3`, ….
   */
  async importConfig(text: string): Promise<McpImportResult> {
    const parsed = parseMcpFile(text);
    if (!parsed.ok) throw new AppError('BAD_REQUEST', `That mcp.json cannot be imported: ${parsed.error}`);
    const incoming = Object.entries(parsed.file.mcpServers);
    if (incoming.length === 0) throw new AppError('BAD_REQUEST', 'That mcp.json has no servers under "mcpServers".');
    const result: Omit<McpImportResult, 'overview'> = { added: [], renamed: [], unchanged: [] };
    const overview = await this.change((servers) => {
      const next = { ...servers };
      for (const [name, entry] of incoming) {
        const taken = next[name];
        if (taken === undefined) {
          next[name] = entry;
          result.added.push(name);
        } else if (sameEntry(taken, entry)) {
          result.unchanged.push(name);
        } else {
          let n = 2;
          while (next[`${name}-${n}`] !== undefined) n++;
          next[`${name}-${n}`] = entry;
          result.renamed.push({ from: name, to: `${name}-${n}` });
        }
      }
      return next;
    });
    return { ...result, overview };
  }

  /** A server's tools; starts it when it is not running. */
  async listTools(name: string): Promise<McpToolList> {
    const connection = await this.connectionOf(name);
    return { server: name, tools: await connection.listTools() };
  }

  /**
   * Calls one tool. Cancelled by `signal` and by the deadline (`timeoutMs`, default the server's):
   * both throw an error naming the server and the tool. A tool that reports an error is not
   * thrown: the result says `isError`.
   */
  async callTool(server: string, tool: string, args: Record<string, unknown>, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<McpToolResult> {
    const connection = await this.connectionOf(server);
    return connection.callTool(tool, args, options);
  }

  /**
   * The tools of these servers as a generation request offers them (`<server>__<tool>` names, each
   * mapped back to its server and tool). Servers start as needed, together; one that is off, unknown
   * or fails to start is left out with the reason, so a chat can go on with the others.
   */
  async offerTools(servers: string[]): Promise<{ tools: OfferedTool[]; failures: { server: string; reason: string }[] }> {
    const settled = await Promise.allSettled(servers.map((server) => this.listTools(server)));
    const failures: { server: string; reason: string }[] = [];
    const lists: McpToolList[] = [];
    settled.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') lists.push(outcome.value);
      else failures.push({ server: servers[index]!, reason: outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason) });
    });
    return { tools: offeredTools(lists), failures };
  }

  /** The process id of a running stdio server (diagnostics, tests). */
  processId(name: string): number | null {
    return this.connections.get(name)?.connection.pid ?? null;
  }

  /** Stops every server (app shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map(async ({ connection, log }) => {
      await connection.stop();
      await log?.flushed();
    }));
  }

  private async connectionOf(name: string): Promise<McpConnection> {
    return this.serially(async () => {
      if (this.closed) throw new AppError('BAD_REQUEST', 'MCP servers are shut down.');
      await this.refresh();
      const entry = this.loaded.file?.mcpServers[name];
      if (entry === undefined) throw new AppError('NOT_FOUND', this.loaded.error ? `mcp.json is invalid: ${this.loaded.error}` : `No MCP server named "${name}".`);
      if (entry.enabled === false) throw new AppError('BAD_REQUEST', `MCP server "${name}" is turned off; turn it on in Settings first.`);
      return this.connections.get(name)!.connection;
    });
  }

  /** Reads the file again when it changed, and brings the connections in line with it. */
  private async refresh(): Promise<void> {
    const stamp = await stampOf(this.configPath);
    const same = stamp && this.loaded.stamp ? stamp.mtimeMs === this.loaded.stamp.mtimeMs && stamp.size === this.loaded.stamp.size : stamp === this.loaded.stamp;
    if (same && (this.loaded.file || this.loaded.error)) return;
    const text = await readText(this.configPath);
    if (text === null) {
      this.loaded = { stamp: null, file: { mcpServers: {} }, error: null };
    } else {
      const parsed = parseMcpFile(text);
      this.loaded = parsed.ok ? { stamp, file: parsed.file, error: null } : { stamp, file: null, error: parsed.error };
      if (!parsed.ok) this.options.logger.warn('mcp.json is invalid; it is left as it is and no MCP server is used until it is fixed', { path: this.configPath, error: parsed.error });
    }
    await this.reconcile();
  }

  /** Stops servers that were removed, turned off or changed; makes connections for new ones. */
  private async reconcile(): Promise<void> {
    const servers = this.loaded.file?.mcpServers ?? {};
    const stops: Promise<void>[] = [];
    for (const [name, held] of this.connections) {
      const entry = servers[name];
      if (entry === undefined || !sameEntry(entry, held.entry)) {
        this.connections.delete(name);
        stops.push(held.connection.stop());
      } else if (entry.enabled === false) {
        stops.push(held.connection.stop());
      }
    }
    for (const [name, entry] of Object.entries(servers)) {
      if (this.connections.has(name)) continue;
      const definition = definitionOf(entry);
      const secrets = definition.transport === 'stdio' ? Object.values(definition.env) : Object.values(definition.headers);
      const log = definition.transport === 'stdio' ? new ServerLog(join(this.options.dataDir, 'logs', 'mcp', logFileName(name)), () => secrets) : null;
      const connection = new McpConnection({
        name,
        definition,
        timeoutMs: entry.timeoutMs ?? MCP_DEFAULT_TIMEOUT_MS,
        log,
        logger: this.options.logger,
        version: this.options.version,
        onStatus: () => this.notify(),
      });
      this.connections.set(name, { entry, connection, log });
    }
    await Promise.all(stops);
  }

  /** Applies `edit` to the servers and writes the file atomically; refused while the file is invalid. */
  private change(edit: (servers: Record<string, McpEntry>) => Record<string, McpEntry>): Promise<McpOverview> {
    return this.serially(async () => {
      await this.refresh();
      if (!this.loaded.file) {
        throw new AppError('BAD_REQUEST', `${this.configPath} is invalid (${this.loaded.error}). Fix or remove the file; Hearth does not overwrite it.`);
      }
      const file: McpFile = { ...this.loaded.file, mcpServers: edit({ ...this.loaded.file.mcpServers }) };
      await writeFileAtomic(this.configPath, `${JSON.stringify(file, null, 2)}\n`);
      this.loaded = { stamp: await stampOf(this.configPath), file, error: null };
      await this.reconcile();
      const overview = this.overview();
      this.options.onChanged?.(overview);
      return overview;
    });
  }

  private overview(): McpOverview {
    const servers = Object.entries(this.loaded.file?.mcpServers ?? {}).map(([name, entry]) => this.info(name, entry));
    return { configPath: this.configPath, configError: this.loaded.error, servers };
  }

  private info(name: string, entry: McpEntry): McpServerInfo {
    const definition = definitionOf(entry);
    const held = this.connections.get(name);
    const base = {
      name,
      enabled: entry.enabled !== false,
      timeoutMs: entry.timeoutMs ?? MCP_DEFAULT_TIMEOUT_MS,
      timeoutSet: entry.timeoutMs !== undefined,
      status: held?.connection.status ?? { state: 'off' as const },
    };
    if (definition.transport === 'stdio') {
      return {
        ...base,
        transport: 'stdio',
        command: definition.command,
        args: definition.args,
        ...(definition.cwd ? { cwd: definition.cwd } : {}),
        envNames: Object.keys(definition.env),
        headerNames: [],
        ...(held?.log ? { logFile: held.log.path } : {}),
      };
    }
    return { ...base, transport: definition.transport, url: definition.url, envNames: [], headerNames: Object.keys(definition.headers) };
  }

  private notify(): void {
    if (this.closed) return;
    this.options.onChanged?.(this.overview());
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** A file name for any server name: its safe characters plus a short hash, so two names never share a log. */
function logFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60);
  return `${safe}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}.log`;
}
