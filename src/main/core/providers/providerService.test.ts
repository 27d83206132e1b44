import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { providerAddArgsSchema } from '../../../shared/schemas';
import type { Logger } from '../logging/logger';
import { silentLogger } from '../logging/logger';
import { ProviderService } from './providerService';
import { FileSecretStore, type SecretCipher } from './secretStore';

// The provider list, its secrets and the client's fault handling, against small 127.0.0.1 servers
// that misbehave on purpose (the real remote, another Hearth, is in hosts/api/gateway.test.ts).

let dir: string;
const servers: Server[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-providers-'));
});
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
  await rm(dir, { recursive: true, force: true });
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function capturingLogger(lines: string[]): Logger {
  const write = (message: string, fields?: Record<string, unknown>) => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  return { debug: write, info: write, warn: write, error: write };
}

const fast = { headersMs: 5_000, idleMs: 300, probeMs: 5_000, retries: 1, retryDelayMs: 50 };

describe('secrets', () => {
  it('a key file only its owner can read, in a folder only its owner can open', async () => {
    const secrets = new FileSecretStore(dir);
    await secrets.set('a', 'key-a');
    await secrets.set('b', 'key-b');
    expect(await secrets.get('a')).toBe('key-a');
    await secrets.delete('a');
    expect(await secrets.get('a')).toBeUndefined();
    expect(await secrets.get('b')).toBe('key-b');
    expect((await stat(secrets.path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'secrets'))).mode & 0o777).toBe(0o700);
  });

  it('a file written with another cipher reads as no keys (never as garbage keys)', async () => {
    const reversed: SecretCipher = { encoding: 'reversed', encrypt: (s) => [...s].reverse().join(''), decrypt: (s) => [...s].reverse().join('') };
    await new FileSecretStore(dir, reversed).set('a', 'key-a');
    expect(await readFile(join(dir, 'secrets', 'provider-keys.json'), 'utf8')).not.toContain('key-a');
    expect(await new FileSecretStore(dir, reversed).get('a')).toBe('key-a');
    expect(await new FileSecretStore(dir).get('a')).toBeUndefined();
  });
});

describe('the provider list', () => {
  it('refuses bad names and URLs with credentials, and keeps a provider that is down with the reason', async () => {
    expect(providerAddArgsSchema.safeParse({ name: 'Big', baseUrl: 'http://127.0.0.1:1' }).success).toBe(false);
    expect(providerAddArgsSchema.safeParse({ name: 'ok', baseUrl: 'http://user:pw@127.0.0.1:1' }).success).toBe(false);
    expect(providerAddArgsSchema.safeParse({ name: 'ok', baseUrl: 'ftp://127.0.0.1:1' }).success).toBe(false);
    expect(providerAddArgsSchema.safeParse({ name: 'ok', baseUrl: 'http://127.0.0.1:1', apiKey: 'k', keyEnv: 'K' }).success).toBe(false);
    const service = await ProviderService.open({ dataDir: dir, secrets: new FileSecretStore(dir), logger: silentLogger, timeouts: fast });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const info = await service.add({ name: 'off', baseUrl: `http://127.0.0.1:${port}/v1/` });
    expect(info).toMatchObject({ name: 'off', baseUrl: `http://127.0.0.1:${port}`, status: 'down', keySource: 'none', hasKey: false });
    expect(info.error).toBe(`Provider 'off' (http://127.0.0.1:${port}) is unreachable: nothing listens at that address (connection refused).`);
    // A second service (another process: the CLI, a restart) reads the same list.
    const again = await ProviderService.open({ dataDir: dir, secrets: new FileSecretStore(dir), logger: silentLogger });
    expect((await again.list()).map((p) => p.name)).toEqual(['off']);
    expect(again.target('off/some/model')).toMatchObject({ provider: 'off', remoteModel: 'some/model' });
    expect(again.target('other/some/model')).toBeUndefined();
  });

  it('a corrupt providers.json is set aside, not fatal', async () => {
    await writeFile(join(dir, 'providers.json'), '{ not json');
    const service = await ProviderService.open({ dataDir: dir, secrets: new FileSecretStore(dir), logger: silentLogger });
    expect(await service.list()).toEqual([]);
    expect((await readdir(dir)).some((name) => name.startsWith('providers.json.corrupt-'))).toBe(true);
  });
});

describe('a provider added by another process (hearth provider add while Hearth runs)', () => {
  /** A small OpenAI-compatible server with one model, `m1`. */
  const modelsServer = () =>
    serve((req, res) => {
      if (req.url !== '/v1/models') return res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'm1', object: 'model' }] }));
    });

  /** Polls `check` every 50 ms for at most 10 s: bounded. */
  async function eventually(check: () => boolean): Promise<boolean> {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    return check();
  }

  it('a watching service (the app, hearth serve) takes it in without a restart, models read; a removal too', async () => {
    const url = await modelsServer();
    let changes = 0;
    const running = await ProviderService.open({ dataDir: dir, secrets: new FileSecretStore(dir), logger: silentLogger, timeouts: fast, watch: true, onChanged: () => void changes++ });
    try {
      expect(running.runner('late/m1')).toBeUndefined();
      const cli = await ProviderService.open({ dataDir: dir, secrets: new FileSecretStore(dir), logger: silentLogger, timeouts: fast });
      await cli.add({ name: 'late', baseUrl: url, apiKey: 'late-key-123' });
      expect(await eventually(() => running.remoteModels().some((m) => m.id === 'late/m1' && m.available))).toBe(true);
      expect(running.runner('late/m1')).toBeDefined();
      expect(changes).toBeGreaterThan(0);
      expect((await running.list()).find((p) => p.name === 'late')).toMatchObject({ hasKey: true, status: 'ok' });
      await cli.remove('late');
      expect(await eventually(() => running.runner('late/m1') === undefined)).toBe(true);
      expect(running.remoteModels()).toEqual([]);
    } finally {
      running.close();
    }
  });

  it('without a watch, the next list reads the changed file', async () => {
    const url = await modelsServer();
    const running = await ProviderService.open({ dataDir: dir, secrets: new FileSecretStore(dir), logger: silentLogger, timeouts: fast });
    const cli = await ProviderService.open({ dataDir: dir, secrets: new FileSecretStore(dir), logger: silentLogger, timeouts: fast });
    await cli.add({ name: 'late', baseUrl: url });
    expect((await running.list()).map((p) => p.name)).toEqual(['late']);
    expect(running.target('late/m1')).toMatchObject({ provider: 'late', remoteModel: 'm1' });
    // Its check runs in the background; the models follow.
    expect(await eventually(() => running.remoteModels().some((m) => m.id === 'late/m1'))).toBe(true);
  });
});

describe('keys on the wire', () => {
  it('--key-env is read at each use and never stored; a wrong key is refused without the key in any log line', async () => {
    const seen: Array<string | undefined> = [];
    const url = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key.' } }));
    });
    const env: NodeJS.ProcessEnv = { REMOTE_KEY: 'env-key-one' };
    const lines: string[] = [];
    const service = await ProviderService.open({ dataDir: dir, secrets: new FileSecretStore(dir), logger: capturingLogger(lines), env, timeouts: fast });
    const info = await service.add({ name: 'env', baseUrl: url, keyEnv: 'REMOTE_KEY' });
    expect(info).toMatchObject({ keySource: 'env', keyEnv: 'REMOTE_KEY', hasKey: true, status: 'down' });
    expect(info.error).toBe("Provider 'env' refused Hearth's key (HTTP 401): check the key given with `hearth provider add`: Incorrect API key.");
    expect(seen).toContain('Bearer env-key-one');
    env.REMOTE_KEY = 'env-key-two';
    await service.test('env');
    expect(seen.at(-1)).toBe('Bearer env-key-two');
    expect(lines.join('\n')).not.toMatch(/env-key/);
    for (const name of await readdir(dir, { recursive: true })) {
      const path = join(dir, name);
      if ((await stat(path)).isFile()) expect(await readFile(path, 'utf8')).not.toMatch(/env-key/);
    }
  });
});

describe('a stream that goes silent', () => {
  it('is cut after the idle limit, with the tokens so far counted and the provider named', async () => {
    const url = await serve((req, res) => {
      if (req.url !== '/v1/chat/completions') return res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Hel' } }] })}\n\n`);
      // …and nothing more, the connection held open.
    });
    const service = await ProviderService.open({ dataDir: dir, secrets: new FileSecretStore(dir), logger: silentLogger, timeouts: fast });
    await service.add({ name: 'quiet', baseUrl: url });
    const texts: string[] = [];
    const run = service.runner('quiet/m')!({ model: 'quiet/m', messages: [{ role: 'user', content: 'hi' }] }, {
      signal: new AbortController().signal,
      emit: (event) => void (event.type === 'tokens' && texts.push(event.text)),
    });
    await expect(run).rejects.toThrow("Provider 'quiet' stopped in the middle of the reply (after 1 token): it sent nothing for 300 ms.");
    expect(texts).toEqual(['Hel']);
  });
});
