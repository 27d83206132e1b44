import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../events/eventBus';
import { silentLogger } from '../logging/logger';
import { ApiServerController, type ApiServerLauncher, type SavedApiServerSettings } from './apiServerController';
import { RequestLog } from './requestLog';

// The controller with a launcher that really listens (plain TCP), so ports are real.
let dir: string;
const servers: Server[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-apictl-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await rm(dir, { recursive: true, force: true });
});

const launch: ApiServerLauncher = async ({ settings }) => {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: settings.host, port: settings.port, exclusive: true }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { port, baseUrl: `http://${settings.host}:${port}/v1`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

function controller() {
  let saved: SavedApiServerSettings = { host: '127.0.0.1', port: 1234, corsOrigins: [], idleUnloadMinutes: 60 };
  const store = { load: async () => saved, save: async (next: SavedApiServerSettings) => void (saved = next) };
  const log = new RequestLog({ file: join(dir, 'api.jsonl'), logger: silentLogger });
  return { ctl: new ApiServerController({ launch, log, events: new EventBus(), logger: silentLogger, saved: store }), saved: () => saved };
}

async function occupied(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('ApiServerController ports', () => {
  it('keeps the port "any free one" got, so restarts (a new key) stay on it, and saves it', async () => {
    const { ctl, saved } = controller();
    const first = await ctl.start({ port: 0 }, { remember: true });
    expect(first.port).toBeGreaterThan(0);
    expect(first.settings!.port).toBe(first.port);
    expect(saved().port).toBe(first.port);
    const again = await ctl.start({ apiKey: 'a-new-key-123' }, { remember: true });
    expect(again).toMatchObject({ running: true, port: first.port, apiKeySet: true });
    await ctl.dispose();
  });

  it('a busy port is reported before the running server stops; it keeps running', async () => {
    const { ctl } = controller();
    const running = await ctl.start({ port: 0 }, { remember: true });
    const busy = await occupied();
    await expect(ctl.start({ port: busy }, { remember: true })).rejects.toThrow(`Port ${busy} is already in use on 127.0.0.1; choose another port. The server keeps running on port ${running.port}.`);
    expect(ctl.getStatus()).toMatchObject({ running: true, port: running.port, settings: { port: running.port } });
    await ctl.dispose();
  });
});
