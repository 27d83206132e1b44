import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServerStatus } from '../../../shared/serverDto';
import { silentLogger } from '../../core/logging/logger';
import { exposureWarning, type RunningApiServer } from '../../core/server/apiServerController';
import { populateModelsDir } from '../../testing/fixtureModels';
import { createTestCore } from '../../testing/testCore';
import { ApiGuard } from './apiGuard';
import { launchApiServer, startApiServer } from './apiServer';

// Who may use the API server: Host, Origin (CORS), API key, body size; and `server.*` through the dispatcher.
let env: Awaited<ReturnType<typeof createTestCore>>;
let open: RunningApiServer;
let locked: RunningApiServer;
const KEY = 'sk-hearth-test-key';
const ALLOWED = 'http://app.example:3000';

beforeAll(async () => {
  env = await createTestCore({}, undefined, { apiServer: launchApiServer(silentLogger) });
  await populateModelsDir(env.modelsDir);
  open = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, logger: silentLogger });
  locked = await startApiServer({ core: env.core, host: '127.0.0.1', port: 0, logger: silentLogger, apiKey: KEY, corsOrigins: [ALLOWED] });
});
afterAll(async () => {
  await open?.close();
  await locked?.close();
  await env?.cleanup();
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(server: RunningApiServer, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, method: options.method ?? 'GET', path: options.path ?? '/v1/models', headers: { Host: `127.0.0.1:${server.port}`, ...options.headers } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('CORS', () => {
  it('answers GET /health without the key (liveness only), but not to a foreign Host', async () => {
    const health = await raw(locked, { path: '/health' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
    expect((await raw(locked, { path: '/v1/models' })).status).toBe(401);
    expect((await raw(locked, { path: '/health', headers: { Host: 'evil.example' } })).status).toBe(421);
  });

  it('sends no CORS header by default and refuses a cross-origin browser request', async () => {
    const plain = await raw(open);
    expect(plain.status).toBe(200);
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    const fromPage = await raw(open, { headers: { Origin: 'http://evil.example' } });
    expect(fromPage.status).toBe(403);
    expect(fromPage.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(fromPage.body)).toMatchObject({ error: { code: 'origin_not_allowed' } });
  });

  it('echoes an allowed origin and answers its preflight with the headers it asked for', async () => {
    const allowed = await raw(locked, { headers: { Origin: ALLOWED, Authorization: `Bearer ${KEY}` } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(allowed.headers.vary).toBe('Origin');
    const preflight = await raw(locked, {
      method: 'OPTIONS',
      path: '/v1/chat/completions',
      headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type, x-stainless-os' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-headers']).toBe('authorization, content-type, x-stainless-os');
    const other = await raw(locked, { method: 'OPTIONS', path: '/v1/chat/completions', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(other.status).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('Host check and API key', () => {
  it('answers only Host names of this server while bound to loopback (DNS rebinding)', async () => {
    expect((await raw(open, { headers: { Host: `localhost:${open.port}` } })).status).toBe(200);
    const rebound = await raw(open, { headers: { Host: `attacker.example:${open.port}` } });
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body)).toMatchObject({ error: { code: 'invalid_host' } });
    expect((await raw(open, { path: `http://attacker.example:${open.port}/v1/models` })).status).toBe(421);
    // Bound to the network, names cannot be known in advance: the key protects it instead.
    const lan = new ApiGuard({ bindHost: '0.0.0.0', port: 1234, corsOrigins: [] });
    expect(lan.hostAllowed('my-box.local:1234')).toBe(true);
    expect(new ApiGuard({ bindHost: '127.0.0.1', port: 1234, corsOrigins: [] }).hostAllowed('my-box.local:1234')).toBe(false);
  });

  it('needs the Bearer key when one is set: 401 in OpenAI shape without it or with a wrong one', async () => {
    const missing = await raw(locked);
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(missing.body)).toEqual({ error: { message: expect.any(String), type: 'authentication_error', param: null, code: 'invalid_api_key' } });
    await expect(new OpenAI({ baseURL: locked.baseUrl, apiKey: 'sk-wrong', maxRetries: 0 }).models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const page = await new OpenAI({ baseURL: locked.baseUrl, apiKey: KEY, maxRetries: 0 }).models.list();
    expect(page.data.length).toBe(2);
  });

  it('refuses a body over 4 MB with 413 and stays usable', async () => {
    const big = JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'a'.repeat(5 * 1024 * 1024) }] });
    const response = await fetch(`${open.baseUrl}/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: big });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'request_too_large' } });
    expect((await fetch(`${open.baseUrl}/models`)).status).toBe(200);
  });
});

describe('server.* methods', () => {
  it('starts, reports, restarts with new settings, logs and stops the API server', async () => {
    const call = (method: string, args: unknown = {}) => env.core.dispatch(method, args) as Promise<ApiServerStatus>;
    expect(await call('server.getStatus')).toMatchObject({ running: false, settings: { port: 1234 }, apiKeySet: false });
    const started = await call('server.start', { port: 0, apiKey: KEY, corsOrigins: [ALLOWED] });
    expect(started).toMatchObject({ running: true, apiKeySet: true, settings: { host: '127.0.0.1', corsOrigins: [ALLOWED], idleUnloadMinutes: 60 } });
    expect(started.baseUrl).toBe(`http://127.0.0.1:${started.port}/v1`);
    expect(JSON.stringify(started)).not.toContain(KEY);
    expect((await fetch(`${started.baseUrl}/models`, { headers: { Authorization: `Bearer ${KEY}` } })).status).toBe(200);

    // Left out, the key would be kept (the last used settings); null forgets it.
    const restarted = await call('server.start', { port: 0, apiKey: null });
    expect(restarted).toMatchObject({ running: true, apiKeySet: false });
    await expect(fetch(`${started.baseUrl}/models`)).rejects.toThrow();
    expect((await fetch(`${restarted.baseUrl}/models`)).status).toBe(200);

    const { entries } = (await env.core.dispatch('server.getLog', { limit: 5 })) as { entries: Array<{ id: number; path: string; status: number }> };
    expect(entries.at(-1)).toMatchObject({ path: '/v1/models', status: 200 });
    const newer = (await env.core.dispatch('server.getLog', { afterId: entries.at(-1)!.id })) as { entries: unknown[] };
    expect(newer.entries).toEqual([]);

    // A busy port is reported before the running server is stopped: it keeps answering.
    const refused = call('server.start', { port: open.port });
    await expect(refused).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/already in use.*keeps running/) });
    expect(await call('server.getStatus')).toMatchObject({ running: true, port: restarted.port });
    expect((await fetch(`${restarted.baseUrl}/models`)).status).toBe(200);
    await call('server.stop');
    const taken = call('server.start', { port: open.port });
    await expect(taken).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/already in use/) });
    expect(await call('server.getStatus')).toMatchObject({ running: false, lastError: expect.stringMatching(/already in use/) });

    // Tests stay on loopback: the LAN warning is checked on the function the status uses.
    expect(exposureWarning('0.0.0.0')).toMatch(/other machines/);
    expect(exposureWarning('192.168.1.20')).toMatch(/other machines/);
    expect(exposureWarning('::1') ?? exposureWarning('localhost') ?? exposureWarning('127.0.0.1')).toBeUndefined();
    expect((await call('server.start', { port: 0 })).warning).toBeUndefined();
    expect(await call('server.stop')).toMatchObject({ running: false });
    await expect(call('server.start', { corsOrigins: ['http://x.example/path'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
