import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHearth, type HearthServer } from './support/hearthServer';
import { populateE2eModels } from './support/models';
import { freePort } from '../src/main/testing/freePort';

// The Server view: start the local API server from the UI with a generated key, call it from this
// test process, watch the request arrive in the live log, stop it. The real built app.
let server: HearthServer;
/** A port nothing listens on now (the default 1234 may be taken on the test machine). */
let apiPort: number;


test.beforeAll(async () => {
  server = await startHearth({ populate: populateE2eModels });
});
test.afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

async function openServer(page: Page) {
  await page.goto(server.url);
  await page.getByRole('navigation').getByRole('link', { name: 'Server' }).click();
  await expect(page.getByRole('heading', { name: 'Server', level: 1 })).toBeVisible();
}

test('starts the API server with a generated key, logs a request live, and stops it', async ({ page }) => {
  await openServer(page);
  const statusBar = page.getByRole('status', { name: 'Status bar' });
  await expect(statusBar.getByRole('link', { name: 'API server: off' })).toBeVisible();

  // The default is 1234; a port known to be free here.
  const port = page.getByLabel('Port');
  await expect(port).toHaveValue('1234');
  apiPort = await freePort();
  await port.fill(String(apiPort));
  await expect(page.getByText('Settings apply when the server starts.')).toBeVisible();

  await page.getByRole('button', { name: 'Generate key' }).click();
  const key = await page.getByLabel(/New API key/).inputValue();
  expect(key).toMatch(/^hearth-[\w-]{43}$/);

  const toggle = page.getByRole('switch', { name: 'API server' });
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  const baseUrl = (await page.getByTestId('server-base-url').textContent())!;
  expect(baseUrl).toBe(`http://127.0.0.1:${apiPort}/v1`);
  await expect(statusBar.getByRole('link', { name: `API: ${baseUrl}` })).toBeVisible();
  // The key is not shown any more; this page can still copy it.
  await expect(page.getByLabel(/New API key/)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Copy API key' })).toBeVisible();

  expect((await fetch(`${baseUrl}/models`)).status).toBe(401);
  const listed = await fetch(`${baseUrl}/models`, { headers: { Authorization: `Bearer ${key}` } });
  expect(listed.status).toBe(200);
  expect(((await listed.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);

  // Newest first: the 200 above the 401.
  const log = page.getByRole('table', { name: 'Request log' });
  await expect(log.getByRole('row')).toHaveCount(3);
  await expect(log.getByRole('row').nth(1)).toContainText('GET/v1/models');
  await expect(log.getByRole('row').nth(1).getByRole('cell').nth(4)).toHaveText('200');
  await expect(log.getByRole('row').nth(2).getByRole('cell').nth(4)).toHaveText(/^401/);

  // The examples carry the real address and key.
  await page.getByRole('listitem').filter({ hasText: '/v1/models' }).first().getByText('Example').click();
  await expect(page.getByText(`curl '${baseUrl}/models'`)).toBeVisible();
  await expect(page.getByText(`Bearer ${key}`).first()).toBeVisible();

  // After a reload the log comes from `server.getLog`; the key is not known to the page any more.
  await page.reload();
  await expect(log.getByRole('row')).toHaveCount(3);
  await page.getByRole('listitem').filter({ hasText: '/v1/models' }).first().getByText('Example').click();
  await expect(page.getByText('Bearer $HEARTH_API_KEY').first()).toBeVisible();

  // Settings were kept for the next start; the key in the owner-only secret file, never in settings.json.
  const settingsText = await readFile(join(server.dataDir, 'settings.json'), 'utf8');
  expect((JSON.parse(settingsText) as { server: { port: number } }).server).toMatchObject({ port: apiPort, host: '127.0.0.1' });
  expect(settingsText).not.toContain(key);
  expect(await readFile(join(server.dataDir, 'secrets', 'provider-keys.json'), 'utf8')).toContain(key);

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await expect(statusBar.getByRole('link', { name: 'API server: off' })).toBeVisible();
  await expect(fetch(`${baseUrl}/models`, { headers: { Authorization: `Bearer ${key}` } })).rejects.toThrow();
});

test('a change while running waits for a confirmed restart, and a port in use is reported at the toggle', async ({ page }) => {
  await openServer(page);
  const toggle = page.getByRole('switch', { name: 'API server' });
  await expect(page.getByLabel('Port')).toHaveValue(String(apiPort));
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  const first = (await page.getByTestId('server-base-url').textContent())!;

  await page.getByLabel('Allowed origins (CORS)').fill('http://localhost:3000');
  await page.getByRole('button', { name: 'Restart with these settings' }).click();
  await page.getByRole('button', { name: 'Restart', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Restart with these settings' })).toHaveCount(0);
  // A restart stays on its port: clients keep working.
  await expect(page.getByTestId('server-base-url')).toHaveText(first);

  // The web server's own port is taken: the start fails with the reason, beside the toggle.
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await page.getByLabel('Port').fill(String(server.port));
  await toggle.click();
  await expect(page.getByRole('alert')).toContainText('already in use');
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
});
