import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AccessGuard } from './accessGuard';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const url = (path: string) => new URL(path, 'http://x');

describe('AccessGuard', () => {
  const guard = new AccessGuard('secret-token', '127.0.0.1', 4321);

  it('accepts loopback host names on its own port only', () => {
    expect(guard.hostAllowed('127.0.0.1:4321')).toBe(true);
    expect(guard.hostAllowed('localhost:4321')).toBe(true);
    expect(guard.hostAllowed('[::1]:4321')).toBe(true);
    expect(guard.hostAllowed('127.0.0.1:9999')).toBe(false);
    expect(guard.hostAllowed('evil.example:4321')).toBe(false);
    expect(guard.hostAllowed('192.168.1.5:4321')).toBe(false);
    expect(guard.hostAllowed(undefined)).toBe(false);
  });

  it('accepts IP literals but not foreign names when bound to all interfaces', () => {
    const lan = new AccessGuard('t', '0.0.0.0', 80);
    expect(lan.hostAllowed('192.168.1.5')).toBe(true);
    expect(lan.hostAllowed('rebind.attacker.example')).toBe(false);
  });

  it('checks the Origin of browser requests', () => {
    expect(guard.originAllowed(undefined)).toBe(true);
    expect(guard.originAllowed('http://127.0.0.1:4321')).toBe(true);
    expect(guard.originAllowed('http://evil.example')).toBe(false);
    expect(guard.originAllowed('null')).toBe(false);
  });

  it('authenticates by query, bearer header or its own cookie, and nothing else', () => {
    expect(guard.authenticate(request({}), url('/?token=secret-token'))).toEqual({ ok: true, viaQuery: true });
    expect(guard.authenticate(request({ authorization: 'Bearer secret-token' }), url('/')).ok).toBe(true);
    expect(guard.authenticate(request({ cookie: 'a=b; hearth_token_4321=secret-token' }), url('/')).ok).toBe(true);
    expect(guard.authenticate(request({ cookie: 'hearth_token_9999=secret-token' }), url('/')).ok).toBe(false);
    expect(guard.authenticate(request({}), url('/?token=secret-tokem')).ok).toBe(false);
    expect(guard.authenticate(request({}), url('/')).ok).toBe(false);
  });

  it('accepts path targets and absolute-form targets naming this server only', () => {
    const guard = new AccessGuard('t', '127.0.0.1', 8317);
    expect(guard.targetAllowed('/rpc')).toBe(true);
    expect(guard.targetAllowed('http://127.0.0.1:8317/rpc')).toBe(true);
    expect(guard.targetAllowed('http://other.host/')).toBe(false);
    expect(guard.targetAllowed('http://127.0.0.1:9999/')).toBe(false);
    expect(guard.targetAllowed('//[')).toBe(false);
    expect(guard.targetAllowed('*')).toBe(false);
    expect(guard.targetAllowed(undefined)).toBe(false);
  });
});
