import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { McpOverview } from '../../../shared/mcpDto';
import { MCP_OUTPUT_CAP_BYTES } from '../../../shared/mcpSchemas';
import type { Logger } from '../logging/logger';
import { McpService } from './mcpService';
import { everythingServer, filesystemServer } from './mcpTestServers';

// Real MCP servers from npm over stdio (the reference "everything" and "filesystem" servers).
let dataDir: string;
let service: McpService;
let events: McpOverview[];
let logLines: string[];

const logger: Logger = {
  debug: (m, f) => logLines.push(`${m} ${JSON.stringify(f ?? {})}`),
  info: (m, f) => logLines.push(`${m} ${JSON.stringify(f ?? {})}`),
  warn: (m, f) => logLines.push(`${m} ${JSON.stringify(f ?? {})}`),
  error: (m, f) => logLines.push(`${m} ${JSON.stringify(f ?? {})}`),
};

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-mcp-'));
  events = [];
  logLines = [];
  service = new McpService({ dataDir, logger, version: '0.0.0-test', onChanged: (overview) => events.push(overview) });
});
afterEach(async () => {
  await service.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function addEverything(name = 'everything', extra: { env?: Record<string, string>; timeoutMs?: number } = {}) {
  const { command, args } = everythingServer();
  return service.saveServer({ name, server: { transport: 'stdio', command, args, env: extra.env ?? {} }, ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}) });
}

function statusOf(overview: McpOverview, name: string) {
  return overview.servers.find((server) => server.name === name)?.status;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('McpService with the everything server (stdio)', () => {
  it('starts lazily, lists its tools and calls echo and get-sum', async () => {
    const saved = await addEverything();
    // Saving starts nothing: servers start on first need.
    expect(statusOf(saved, 'everything')).toEqual({ state: 'off' });
    expect(service.processId('everything')).toBeNull();

    const { tools } = await service.listTools('everything');
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum', 'trigger-long-running-operation']));
    const echo = tools.find((tool) => tool.name === 'echo')!;
    expect(echo.description).toMatch(/echo/i);
    expect(echo.inputSchema).toMatchObject({ type: 'object', properties: { message: { type: 'string' } } });
    expect(statusOf(await service.listServers(), 'everything')).toEqual({ state: 'ready', toolCount: tools.length });
    // Connecting, then ready, were announced.
    expect(events.map((overview) => statusOf(overview, 'everything')?.state)).toEqual(expect.arrayContaining(['connecting', 'ready']));

    await expect(service.callTool('everything', 'echo', { message: 'hello from Hearth' })).resolves.toEqual({ content: 'Echo: hello from Hearth', isError: false, truncated: false });
    const sum = await service.callTool('everything', 'get-sum', { a: 2, b: 40 });
    expect(sum.content).toContain('42');
    // Wrong arguments: the tool's own error, reported as a result.
    const bad = await service.callTool('everything', 'get-sum', { a: 'two' });
    expect(bad.isError).toBe(true);
    expect(bad.content.length).toBeGreaterThan(0);
  });

  it('caps a long output and says so', async () => {
    await addEverything();
    const long = 'é'.repeat(MCP_OUTPUT_CAP_BYTES); // two bytes each: twice the cap
    const result = await service.callTool('everything', 'echo', { message: long });
    expect(result.truncated).toBe(true);
    expect(result.content).toMatch(/\[Output truncated: 128\.?\d* KiB in total, only the first 64 KiB are shown\.\]$/);
    const kept = result.content.slice(0, result.content.indexOf('\n\n[Output truncated'));
    expect(Buffer.byteLength(kept, 'utf8')).toBeLessThanOrEqual(MCP_OUTPUT_CAP_BYTES);
    expect(kept.startsWith('Echo: é')).toBe(true);
    expect(kept).not.toContain('\ufffd');
  });

  it('ends a slow call at its deadline, naming server, tool and seconds; the server stays usable', async () => {
    await addEverything('slow', { timeoutMs: 1_500 });
    await expect(service.callTool('slow', 'trigger-long-running-operation', { duration: 60, steps: 2 })).rejects.toThrow(
      'MCP server "slow", tool "trigger-long-running-operation": no answer within 1.5 s; the call was cancelled.',
    );
    // A per-call deadline wins over the server's.
    await expect(service.callTool('slow', 'trigger-long-running-operation', { duration: 60, steps: 2 }, { timeoutMs: 2_000 })).rejects.toThrow('no answer within 2 s');
    await expect(service.callTool('slow', 'echo', { message: 'still here' })).resolves.toMatchObject({ content: 'Echo: still here' });
  });

  it('cancels a slow call when its signal aborts', async () => {
    await addEverything();
    await service.listTools('everything');
    const controller = new AbortController();
    const call = service.callTool('everything', 'trigger-long-running-operation', { duration: 60, steps: 2 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 1_000);
    await expect(call).rejects.toThrow('MCP server "everything", tool "trigger-long-running-operation": the call was cancelled.');
    await expect(service.callTool('everything', 'echo', { message: 'after' })).resolves.toMatchObject({ isError: false });
  });

  it('reports a crash mid-call clearly, and the next call restarts the server', async () => {
    await addEverything();
    await service.listTools('everything');
    const pid = service.processId('everything')!;
    expect(alive(pid)).toBe(true);
    const call = service.callTool('everything', 'trigger-long-running-operation', { duration: 60, steps: 2 });
    setTimeout(() => process.kill(pid, 'SIGKILL'), 1_000);
    await expect(call).rejects.toThrow('MCP server "everything", tool "trigger-long-running-operation": the server stopped during the call. It restarts on next use.');
    const status = statusOf(await service.listServers(), 'everything');
    expect(status?.state).toBe('error');
    expect(status).toMatchObject({ reason: expect.stringContaining('The server stopped') });

    await expect(service.callTool('everything', 'echo', { message: 'again' })).resolves.toMatchObject({ content: 'Echo: again' });
    const restarted = service.processId('everything')!;
    expect(restarted).not.toBe(pid);
    expect(statusOf(await service.listServers(), 'everything')?.state).toBe('ready');
  });

  it('stops every server on close', async () => {
    await addEverything('one');
    await addEverything('two');
    await Promise.all([service.listTools('one'), service.listTools('two')]);
    const pids = [service.processId('one')!, service.processId('two')!];
    expect(pids.every(alive)).toBe(true);
    await service.close();
    await until(() => !pids.some(alive));
  });

  it('refuses a server that is turned off, and stops it when turned off', async () => {
    await addEverything();
    await service.listTools('everything');
    const pid = service.processId('everything')!;
    const off = await service.setEnabled('everything', false);
    expect(off.servers[0]).toMatchObject({ enabled: false, status: { state: 'off' } });
    await until(() => !alive(pid));
    await expect(service.listTools('everything')).rejects.toThrow('MCP server "everything" is turned off; turn it on in Settings first.');
    await service.setEnabled('everything', true);
    await expect(service.listTools('everything')).resolves.toMatchObject({ server: 'everything' });
  });
});

describe('McpService with failing servers', () => {
  it('gives a server whose command does not exist the error status with the reason', async () => {
    await service.saveServer({ name: 'ghost', server: { transport: 'stdio', command: 'hearth-no-such-mcp-server', args: [], env: {} } });
    await expect(service.listTools('ghost')).rejects.toThrow('MCP server "ghost" could not start: command not found: hearth-no-such-mcp-server');
    expect(statusOf(await service.listServers(), 'ghost')).toEqual({ state: 'error', reason: 'command not found: hearth-no-such-mcp-server' });
  });

  it('explains a server that exits at start with its last stderr line, secrets masked in the reason and the log', async () => {
    const secret = 'sk-live-0123456789abcdef';
    const script = 'console.error("config: token=" + process.env.API_TOKEN); console.error("fatal: cannot reach the database"); process.exit(3);';
    await service.saveServer({ name: 'broken', server: { transport: 'stdio', command: process.execPath, args: ['-e', script], env: { API_TOKEN: secret } } });
    const failed = await service.listTools('broken').catch((error: Error) => error);
    expect(String(failed)).toContain('fatal: cannot reach the database');
    const overview = await service.listServers();
    const info = overview.servers[0]!;
    expect(info.status).toMatchObject({ state: 'error', reason: expect.stringContaining('fatal: cannot reach the database') });
    await service.close();
    const log = await readFile(info.logFile!, 'utf8');
    expect(log).toContain('config: token=***');
    expect(log).toContain('fatal: cannot reach the database');
    expect(log).not.toContain(secret);
    expect(JSON.stringify(overview)).not.toContain(secret);
    expect(logLines.join('\n')).not.toContain(secret);
  });
});

describe('secrets', () => {
  it('passes env values to the server, but only their names reach the DTO, events, log and logger', async () => {
    const secret = 'ghp_SuperSecretValue42';
    await addEverything('everything', { env: { GITHUB_TOKEN: secret } });
    const env = await service.callTool('everything', 'get-env', {});
    // The server got it (that is what env is for)…
    expect(env.content).toContain(secret);
    const overview = await service.listServers();
    expect(overview.servers[0]).toMatchObject({ envNames: ['GITHUB_TOKEN'] });
    // …and nothing Hearth shows or writes has it.
    expect(JSON.stringify(overview)).not.toContain(secret);
    expect(JSON.stringify(events)).not.toContain(secret);
    await service.close();
    expect(await readFile(overview.servers[0]!.logFile!, 'utf8')).not.toContain(secret);
    expect(logLines.join('\n')).not.toContain(secret);
  });
});

describe('McpService with the filesystem server', () => {
  it('reads a file in the folder it is allowed', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'hearth-mcp-fs-'));
    try {
      await writeFile(join(folder, 'notes.txt'), 'The kettle is on.\n');
      const { command, args } = filesystemServer(folder);
      await service.saveServer({ name: 'files', server: { transport: 'stdio', command, args, env: {} } });
      const { tools } = await service.listTools('files');
      expect(tools.map((tool) => tool.name)).toContain('read_text_file');
      const result = await service.callTool('files', 'read_text_file', { path: join(folder, 'notes.txt') });
      expect(result).toMatchObject({ isError: false, truncated: false });
      expect(result.content).toContain('The kettle is on.');
      // Outside its folder: the tool's own refusal.
      const outside = await service.callTool('files', 'read_text_file', { path: join(dataDir, 'mcp.json') });
      expect(outside.isError).toBe(true);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('offerTools', () => {
  it('offers the tools of the servers that start, and names the ones that do not', async () => {
    await addEverything();
    await service.saveServer({ name: 'ghost', server: { transport: 'stdio', command: 'hearth-no-such-mcp-server', args: [], env: {} } });
    const { tools, failures } = await service.offerTools(['everything', 'ghost', 'unknown']);
    expect(tools.find((tool) => tool.name === 'everything__echo')).toMatchObject({ server: 'everything', tool: 'echo', parameters: { type: 'object' } });
    expect(failures).toEqual([
      { server: 'ghost', reason: 'MCP server "ghost" could not start: command not found: hearth-no-such-mcp-server' },
      { server: 'unknown', reason: 'No MCP server named "unknown".' },
    ]);
  });
});
