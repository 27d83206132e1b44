import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { HubHttp, retryHintMs } from './hubHttp';

let server: Server | undefined;

/** A throwaway 127.0.0.1 server for misbehaviours the Hub fixture does not model. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function caught(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('HubHttp', () => {
  it('gives up on a server that never answers after its timeout', async () => {
    const endpoint = await serve(() => undefined); // accepts, never responds
    const started = Date.now();
    const error = await caught(new HubHttp({ endpoint, timeoutMs: 200 }).send(`${endpoint}/api/models`));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.message).toMatch(/did not answer within/);
  });

  it('stops after 5 redirects', async () => {
    let hits = 0;
    const endpoint = await serve((_req, res) => {
      hits++;
      res.writeHead(302, { location: '/again' }).end();
    });
    const error = await caught(new HubHttp({ endpoint }).send(`${endpoint}/start`));
    expect(error.message).toMatch(/Too many redirects/);
    expect(hits).toBe(6);
  });

  it('keeps the token on a same-origin redirect', async () => {
    const auth: Array<string | undefined> = [];
    const endpoint = await serve((req, res) => {
      auth.push(req.headers.authorization);
      if (req.url === '/old') res.writeHead(307, { location: '/new' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    await new HubHttp({ endpoint, token: 't' }).json(`${endpoint}/old`);
    expect(auth).toEqual(['Bearer t', 'Bearer t']);
  });

  it('backs off exponentially from 1 s when the 429 has no hint', async () => {
    const waits: number[] = [];
    const endpoint = await serve((_req, res) => res.writeHead(429).end());
    const error = await caught(new HubHttp({ endpoint, sleep: async (ms) => void waits.push(ms) }).send(`${endpoint}/x`));
    expect(waits).toEqual([1_000, 2_000, 4_000]);
    expect(error.code).toBe('BUSY');
    expect(error.retryAfterMs).toBe(8_000);
  });
});

describe('retryHintMs', () => {
  it('reads Retry-After seconds or date, else the RateLimit reset', () => {
    expect(retryHintMs(new Headers({ 'retry-after': '3' }))).toBe(3_000);
    expect(retryHintMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6_000);
    expect(retryHintMs(new Headers({ ratelimit: '"api";r=0;t=42' }))).toBe(42_000);
    expect(retryHintMs(new Headers())).toBeUndefined();
  });
});
