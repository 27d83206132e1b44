import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ChatChunk, ChatResult } from '../../shared/dto';
import type { ServerMessage } from '../../shared/wire';
import type { Core } from '../core/createCore';
import { silentLogger } from '../core/logging/logger';
import { populateModelsDir } from '../testing/fixtureModels';
import { createTestCore } from '../testing/testCore';
import { startWebHost, type WebHost } from './webHost';

// The WebSocket host in front of a real core and engine process: streams go to the socket that
// asked, a closed socket cancels its replies, a stopping server tells callers before closing.
let core: Core;
let cleanup: () => Promise<void>;
let host: WebHost;
let tinyId: string;

beforeAll(async () => {
  const test = await createTestCore();
  core = test.core;
  cleanup = test.cleanup;
  tinyId = (await populateModelsDir(test.modelsDir)).tinyId;
  const rendererDir = join(test.dataDir, 'renderer');
  await mkdir(rendererDir, { recursive: true });
  host = await startWebHost({ core, host: '127.0.0.1', port: 0, rendererDir, logger: silentLogger, token: 'tok' });
  await core.inference.loadModel({ modelId: tinyId, parallel: 4 });
});
afterAll(async () => {
  await host.close();
  await cleanup();
});

class Client {
  readonly chunks = new Map<number, ChatChunk[]>();
  readonly results = new Map<number, ServerMessage>();
  private nextId = 1;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'chunk') this.chunks.set(message.id, [...(this.chunks.get(message.id) ?? []), message.chunk as ChatChunk]);
      if (message.type === 'result') this.results.set(message.id, message);
    });
  }
  static async open(): Promise<Client> {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/rpc`, { headers: { Authorization: 'Bearer tok' } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new Client(socket);
  }
  chat(content: string, maxTokens: number): number {
    const id = this.nextId++;
    const args = { requestId: `${content}-${id}`, messages: [{ role: 'user', content }], params: { temperature: 0, maxTokens } };
    this.socket.send(JSON.stringify({ type: 'call', id, method: 'inference.chat', args }));
    return id;
  }
  async result(id: number, timeoutMs = 20_000): Promise<ServerMessage> {
    const until = Date.now() + timeoutMs;
    while (!this.results.has(id)) {
      if (Date.now() > until) throw new Error(`no result for call ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.results.get(id)!;
  }
  text(id: number): string {
    return (this.chunks.get(id) ?? []).flatMap((c) => (c.type === 'tokens' ? [c.text] : [])).join('');
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RPC streams over the web host', () => {
  it('sends each reply only to the socket that asked', async () => {
    const [a, b] = await Promise.all([Client.open(), Client.open()]);
    const ida = a.chat('alpha', 60);
    const idb = b.chat('beta', 60);
    const [ra, rb] = await Promise.all([a.result(ida), b.result(idb)]);
    expect(ra).toMatchObject({ ok: true });
    expect(rb).toMatchObject({ ok: true });
    const textA = ((ra as { value: ChatResult }).value).text;
    const textB = ((rb as { value: ChatResult }).value).text;
    expect(a.text(ida)).toBe(textA);
    expect(b.text(idb)).toBe(textB);
    expect(a.chunks.size).toBe(1);
    expect(b.chunks.size).toBe(1);
    a.socket.close();
    b.socket.close();
  });

  it('a closed socket cancels its replies in the engine; a cancel message cancels one call', async () => {
    const a = await Client.open();
    const first = a.chat('long one', 450);
    a.chat('long two', 450);
    await waitFor(async () => (await core.fleet.engineStatus()).activeGenerations === 2);
    a.socket.send(JSON.stringify({ type: 'cancel', id: first }));
    const cancelled = (await a.result(first)) as { ok: true; value: ChatResult };
    expect(cancelled.value.stats.stopReason).toBe('abort');
    a.socket.close();
    await waitFor(async () => (await core.fleet.engineStatus()).activeGenerations === 0);
    expect(core.fleet.getState().activeRequests).toEqual([]);
  });

  it('survives a malformed upgrade request and keeps serving', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(host.port, '127.0.0.1', () => {
        socket.write(`GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1.1 400/);
    const client = await Client.open();
    const id = client.chat('still here', 4);
    expect(await client.result(id)).toMatchObject({ ok: true });
    client.socket.close();
  });

  it('on shutdown, a reply in flight ends with a clear "stopping" error before the socket closes', async () => {
    const client = await Client.open();
    const id = client.chat('until shutdown', 450);
    await waitFor(async () => (client.chunks.get(id)?.length ?? 0) > 0);
    const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
    await core.dispose('Hearth is stopping.');
    await host.close();
    expect(await closed).toBe(1001);
    expect(client.results.get(id)).toMatchObject({ ok: false, error: { code: 'ENGINE_ERROR', message: expect.stringContaining('stopping') } });
  });
});
