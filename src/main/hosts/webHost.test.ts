import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../../shared/dispatcher';
import type { Handlers } from '../../shared/contract';
import type { ServerMessage } from '../../shared/wire';
import type { Core } from '../core/createCore';
import { EventBus } from '../core/events/eventBus';
import { silentLogger } from '../core/logging/logger';
import { startWebHost, type WebHost } from './webHost';

// The host alone, over real sockets, in front of a dispatcher with simple handlers.
let root: string;
let host: WebHost;
const events = new EventBus();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hearth-webhost-'));
  const rendererDir = join(root, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Hearth</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'outside the renderer');
  const handlers = {
    'library.listModels': async () => [],
    'inference.stop': async ({ requestId }: { requestId: string }) => {
      events.emit('library.changed', { reason: `stop ${requestId}` });
      return { stopped: false };
    },
  } as unknown as Handlers;
  const core = { dispatch: createDispatcher(handlers), events } as unknown as Core;
  host = await startWebHost({ core, host: '127.0.0.1', port: 0, rendererDir, logger: silentLogger, token: 'tok' });
});
afterAll(async () => {
  await host.close();
  await rm(root, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, headers: { Host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(): Promise<{ socket: WebSocket; next(): Promise<ServerMessage> }> {
  const socket = new WebSocket(`ws://127.0.0.1:${host.port}/rpc`, { headers: { Authorization: 'Bearer tok' } });
  const queue: ServerMessage[] = [];
  const waiters: Array<(m: ServerMessage) => void> = [];
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () =>
      resolve({ socket, next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiters.push(r))) }),
    );
    socket.once('error', reject);
  });
}

describe('webHost', () => {
  it('prints a loopback URL carrying the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=tok`);
  });

  it('serves the page with the token, sets the session cookie, and then accepts the cookie alone', async () => {
    const first = await get('/?token=tok');
    expect(first.status).toBe(200);
    expect(first.body).toContain('<title>Hearth</title>');
    expect(first.headers['content-security-policy']).toContain("script-src 'self'");
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toContain(`hearth_token_${host.port}=tok`);
    expect(cookie).toContain('HttpOnly');
    const asset = await get('/assets/app.js', { Cookie: `hearth_token_${host.port}=tok` });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    expect((await get('/assets/app.js')).status).toBe(401);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
      const res = await get(path, { Authorization: 'Bearer tok' });
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('outside the renderer');
    }
  });

  it('answers RPC calls, with clear errors for malformed messages and unknown methods', async () => {
    const { socket, next } = await connect();
    socket.send(JSON.stringify({ type: 'call', id: 1, method: 'library.listModels', args: {} }));
    expect(await next()).toEqual({ type: 'result', id: 1, ok: true, value: [] });
    socket.send('{not json');
    expect(await next()).toMatchObject({ type: 'result', ok: false, error: { code: 'BAD_REQUEST' } });
    socket.send(JSON.stringify({ type: 'call', id: 2, method: 'fs.readFile', args: {} }));
    expect(await next()).toMatchObject({ id: 2, ok: false, error: { code: 'UNKNOWN_METHOD' } });
    socket.send(JSON.stringify({ type: 'call', id: 3, method: 'inference.stop', args: { requestId: 7 } }));
    expect(await next()).toMatchObject({ id: 3, ok: false, error: { code: 'BAD_REQUEST' } });
    socket.close();
  });

  it('pushes core events to connected clients', async () => {
    const { socket, next } = await connect();
    socket.send(JSON.stringify({ type: 'call', id: 9, method: 'inference.stop', args: { requestId: 'abc' } }));
    const messages = [await next(), await next()];
    expect(messages).toContainEqual({ type: 'event', event: 'library.changed', payload: { reason: 'stop abc' } });
    expect(messages).toContainEqual({ type: 'result', id: 9, ok: true, value: { stopped: false } });
    socket.close();
  });
});
