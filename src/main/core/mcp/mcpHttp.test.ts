import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '../logging/logger';
import { McpService } from './mcpService';

// Remote servers built from the SDK's own server classes, on 127.0.0.1: Streamable HTTP (with a
// bearer key checked), and one that only speaks the older SSE transport (the fallback).
const KEY = 'Bearer http-secret-key-123';
let dataDir: string;
let service: McpService;
let http: Server | null = null;

function mcpServer(): McpServer {
  const server = new McpServer({ name: 'hearth-test-http', version: '1.0.0' });
  server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
    content: [{ type: 'text', text: String(a + b) }],
  }));
  return server;
}

/** Streamable HTTP, one transport per session, as the SDK's examples do. */
function streamableHandler(): (req: IncomingMessage, res: ServerResponse) => void {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  return (req, res) => {
    if (req.headers.authorization !== KEY) {
      res.writeHead(401).end('missing or wrong key');
      return;
    }
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (!transport) {
      transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sid) => void sessions.set(sid, transport!) });
      void mcpServer().connect(transport);
    }
    void transport.handleRequest(req, res);
  };
}

/** The older HTTP+SSE transport only: GET /sse opens the stream, POST /messages?sessionId= carries calls. */
function sseOnlyHandler(): (req: IncomingMessage, res: ServerResponse) => void {
  const sessions = new Map<string, SSEServerTransport>();
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/sse') {
      const transport = new SSEServerTransport('/messages', res);
      sessions.set(transport.sessionId, transport);
      void mcpServer().connect(transport);
      return;
    }
    const transport = sessions.get(url.searchParams.get('sessionId') ?? '');
    if (req.method === 'POST' && url.pathname === '/messages' && transport) {
      void transport.handlePostMessage(req, res);
      return;
    }
    res.writeHead(405).end();
  };
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<number> {
  http = createServer(handler);
  await new Promise<void>((resolve) => http!.listen(port, '127.0.0.1', resolve));
  return (http.address() as AddressInfo).port;
}

async function stopHttp(): Promise<void> {
  if (!http) return;
  const server = http;
  http = null;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hearth-mcp-http-'));
  service = new McpService({ dataDir, logger: silentLogger, version: '0.0.0-test' });
});
afterEach(async () => {
  await service.close();
  await stopHttp();
  await rm(dataDir, { recursive: true, force: true });
});

describe('McpService over HTTP', () => {
  it('talks Streamable HTTP with its headers, never showing their values, and reconnects after the server went away', async () => {
    const port = await listen(streamableHandler());
    const url = `http://127.0.0.1:${port}/mcp`;
    const overview = await service.saveServer({ name: 'remote', server: { transport: 'http', url, headers: { Authorization: KEY } } });
    expect(overview.servers[0]).toMatchObject({ transport: 'http', url, headerNames: ['Authorization'], envNames: [] });
    expect(JSON.stringify(overview)).not.toContain('http-secret-key-123');

    const { tools } = await service.listTools('remote');
    expect(tools).toEqual([expect.objectContaining({ name: 'add', description: 'Adds two numbers', inputSchema: expect.objectContaining({ type: 'object' }) })]);
    await expect(service.callTool('remote', 'add', { a: 2, b: 3 })).resolves.toEqual({ content: '5', isError: false, truncated: false });

    // The server goes away: a clear error, the error status, and the next use connects again.
    await stopHttp();
    const failed = await service.callTool('remote', 'add', { a: 1, b: 1 }).catch((error: Error) => error);
    expect(String(failed)).toContain('MCP server "remote", tool "add": ');
    await listen(streamableHandler(), port);
    await expect(service.callTool('remote', 'add', { a: 20, b: 22 })).resolves.toMatchObject({ content: '42' });
    expect((await service.listServers()).servers[0]!.status).toEqual({ state: 'ready', toolCount: 1 });
  });

  it('reports a refused key as a failed start', async () => {
    const port = await listen(streamableHandler());
    await service.saveServer({ name: 'nokey', server: { transport: 'http', url: `http://127.0.0.1:${port}/mcp`, headers: { Authorization: 'Bearer wrong-key-000' } } });
    await expect(service.listTools('nokey')).rejects.toThrow(/^MCP server "nokey" could not start: /);
    const status = (await service.listServers()).servers[0]!.status;
    expect(status.state).toBe('error');
    expect(JSON.stringify(status)).not.toContain('wrong-key-000');
  });

  it('falls back to the older SSE transport for a server that only speaks it', async () => {
    const port = await listen(sseOnlyHandler());
    await service.saveServer({ name: 'old', server: { transport: 'http', url: `http://127.0.0.1:${port}/sse`, headers: {} } });
    await expect(service.callTool('old', 'add', { a: 1, b: 2 })).resolves.toMatchObject({ content: '3' });
    // Named as SSE: no Streamable HTTP attempt at all.
    await service.saveServer({ name: 'old-sse', server: { transport: 'sse', url: `http://127.0.0.1:${port}/sse`, headers: {} } });
    await expect(service.callTool('old-sse', 'add', { a: 2, b: 2 })).resolves.toMatchObject({ content: '4' });
  });
});
