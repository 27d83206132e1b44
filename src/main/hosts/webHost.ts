import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { RPC_PATH } from '../../shared/wire';
import type { Core } from '../core/createCore';
import type { Logger } from '../core/logging/logger';
import { AccessGuard } from './accessGuard';
import { attachRpc } from './rpcSocket';
import { securityHeaders, serveStatic } from './staticFiles';

export interface WebHostOptions {
  core: Core;
  /** Interface to bind; 127.0.0.1 unless the user opts in to more. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Folder with the built renderer (`out/renderer`). */
  rendererDir: string;
  logger: Logger;
  /** Session token; random when omitted. */
  token?: string;
}

export interface WebHost {
  /** URL to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** How long open sockets get to close cleanly when the host stops, in ms. */
const CLOSE_GRACE_MS = 1_000;

/** Largest RPC message accepted, in bytes (a long chat history fits comfortably). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * The headless host: serves the built renderer over HTTP and the app's RPC over a WebSocket on
 * `/rpc`. Every request must carry the session token and a `Host` header naming this server.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const guard = new AccessGuard(token, options.host, port);

  // A malformed request line or header never reaches a handler: Node answers 400 and we stay up.
  server.on('clientError', (error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.on('request', (request, response) => {
    handleHttp(request, response, guard, options).catch((error: unknown) => {
      options.logger.error('http handler failed', { error: String(error) });
      if (!response.headersSent) response.writeHead(500, securityHeaders());
      response.end();
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    // A reset connection must not become an unhandled 'error' that ends the process.
    socket.on('error', () => socket.destroy());
    try {
      // Checks that need no parsing come first; the URL is parsed only for a request that passed them.
      if (!guard.hostAllowed(request.headers.host)) return refuse(421, 'Misdirected Request');
      if (!guard.targetAllowed(request.url)) return refuse(400, 'Bad Request');
      if (!guard.originAllowed(request.headers.origin)) return refuse(403, 'Forbidden');
      const url = parseRequestUrl(request.url);
      if (!url) return refuse(400, 'Bad Request');
      if (!guard.authenticate(request, url).ok) return refuse(401, 'Unauthorized');
      if (url.pathname !== RPC_PATH) return refuse(404, 'Not Found');
      wss.handleUpgrade(request, socket, head, (ws) => attachRpc(ws, options.core));
    } catch (error) {
      options.logger.warn('websocket upgrade failed', { error: String(error) });
      refuse(400, 'Bad Request');
    }
  });

  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const urlHost = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      // A clean close lets results already sent (e.g. "Hearth is shutting down") reach the page first.
      for (const client of wss.clients) client.close(1001, 'Hearth is stopping');
      await waitForClients(wss, CLOSE_GRACE_MS);
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handleHttp(
  request: IncomingMessage,
  response: ServerResponse,
  guard: AccessGuard,
  options: WebHostOptions,
): Promise<void> {
  const plain = (status: number, text: string) => {
    response.writeHead(status, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(text);
  };
  if (!guard.hostAllowed(request.headers.host)) {
    return plain(421, 'This Hearth server does not answer to that host name.\n');
  }
  if (!guard.targetAllowed(request.url)) return plain(400, 'Bad request: the request line must name this server.\n');
  const url = parseRequestUrl(request.url);
  if (!url) return plain(400, 'Bad request.\n');
  const auth = guard.authenticate(request, url);
  if (!auth.ok) {
    return plain(401, 'Hearth: open the full URL printed by `hearth serve` (it includes ?token=...).\n');
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed.\n');
  const extra: Record<string, string> = auth.viaQuery ? { 'Set-Cookie': guard.sessionCookie() } : {};
  if (await serveStatic(options.rendererDir, url.pathname, response, extra, request.headers['accept-encoding'])) return;
  plain(404, 'Not found.\n');
}

/** The request target as a URL, or undefined when it cannot be one (e.g. `//[`). */
function parseRequestUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://placeholder');
  } catch {
    return undefined;
  }
}

function waitForClients(wss: WebSocketServer, ms: number): Promise<void> {
  if (wss.clients.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const check = setInterval(() => {
      if (wss.clients.size > 0) return;
      clearInterval(check);
      clearTimeout(timer);
      resolve();
    }, 20);
    timer.unref?.();
    setTimeout(() => clearInterval(check), ms).unref?.();
  });
}
