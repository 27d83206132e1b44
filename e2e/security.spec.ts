import { request as httpRequest } from 'node:http';
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { startHearth, type HearthServer } from './support/hearthServer';

let server: HearthServer;
test.beforeAll(async () => {
  server = await startHearth();
});
test.afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

/** Raw HTTP GET with a chosen Host header (fetch will not let us forge it). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function wsStatus(headers: Record<string, string>, query = ''): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/rpc${query}`, { headers });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => resolve(-1));
  });
}

test('nothing is served without the token', async () => {
  const host = `127.0.0.1:${server.port}`;
  for (const path of ['/', '/index.html', '/assets/', '/?token=wrong']) {
    const res = await rawGet(path, { Host: host });
    expect(res.status, path).toBe(401);
    expect(res.body).not.toContain('<script');
  }
  expect(await wsStatus({ Host: host })).toBe(401);
  expect(await wsStatus({ Host: host }, '?token=wrong')).toBe(401);
});

test('a foreign Host header is refused even with the token (DNS rebinding)', async () => {
  const res = await rawGet(`/?token=${server.token}`, { Host: `attacker.example:${server.port}` });
  expect(res.status).toBe(421);
  expect(await wsStatus({ Host: `attacker.example:${server.port}`, Authorization: `Bearer ${server.token}` })).toBe(421);
});

test('a WebSocket from a foreign page origin is refused', async () => {
  expect(await wsStatus({ Origin: 'http://attacker.example', Authorization: `Bearer ${server.token}` })).toBe(403);
  expect(await wsStatus({ Origin: server.origin, Authorization: `Bearer ${server.token}` })).toBe(101);
});

test('the printed URL opens the app, sets a session cookie, and drops the token from the address bar', async ({ page }) => {
  const response = await page.goto(server.url);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
  await expect(page).toHaveTitle('Hearth');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect.poll(() => page.url()).not.toContain('token=');
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === `hearth_token_${server.port}`);
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Strict');
  // The cookie alone now authorizes a reload without the token in the URL.
  const reloaded = await page.goto(server.origin + '/');
  expect(reloaded?.status()).toBe(200);
});
