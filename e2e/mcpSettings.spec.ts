import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startHearth, type HearthServer } from './support/hearthServer';
import { expectButtonsInside, expectNoHorizontalOverflow } from './support/layout';

// Settings → MCP servers, in the real built app: add the reference "everything" server (stdio,
// from npm) with a secret in its environment, see it start and list its tools, at 800×600.
const require = createRequire(import.meta.url);
const everything = join(dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')), 'dist', 'index.js');
const SECRET = 'e2e-secret-value-7781';

let server: HearthServer;
test.beforeAll(async () => {
  server = await startHearth();
});
test.afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

test('adds the everything server in Settings and sees it ready with its tools', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await page.goto(server.url);
  await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  const section = page.getByRole('region', { name: 'MCP servers' });
  await expect(section.getByText('No servers yet.')).toBeVisible();

  await section.getByRole('button', { name: 'Add server' }).click();
  const form = page.getByRole('form', { name: 'Add MCP server' });
  await expect(form.getByText(/runs on this computer with your user's rights/)).toBeVisible();
  await form.getByLabel('Name', { exact: true }).fill('everything');
  await form.getByLabel('Command', { exact: true }).fill(process.execPath);
  await form.getByLabel('Arguments (one per line)').fill(`${everything}\nstdio`);
  await form.getByRole('button', { name: 'Add environment variable' }).click();
  await form.getByLabel('Environment variables 1 name').fill('DEMO_TOKEN');
  await form.getByLabel('Environment variables 1 value').fill(SECRET);
  await expectNoHorizontalOverflow(page, 'the add form at 800×600');
  await form.getByRole('button', { name: 'Save server' }).click();

  const row = section.getByRole('listitem', { name: 'everything' });
  await expect(row.getByRole('status', { name: 'everything status' })).toHaveText(/^Ready · \d+ tools$/, { timeout: 60_000 });
  await expect(row.getByRole('switch', { name: 'Use everything' })).toHaveAttribute('aria-checked', 'true');
  await row.getByRole('button', { name: 'Tools' }).click();
  const tools = row.getByRole('list', { name: 'Tools' });
  await expect(tools.getByText('echo', { exact: true })).toBeVisible();
  await expect(tools.getByText('get-sum', { exact: true })).toBeVisible();
  await expectNoHorizontalOverflow(page, 'Settings with a server and its tools at 800×600');
  await expectButtonsInside(page, 'Settings at 800×600');

  // The secret went to mcp.json for the server, never to the page.
  const saved = JSON.parse(await readFile(join(server.dataDir, 'mcp.json'), 'utf8'));
  expect(saved.mcpServers.everything).toEqual({ command: process.execPath, args: [everything, 'stdio'], env: { DEMO_TOKEN: SECRET } });
  await row.getByRole('button', { name: 'Edit everything' }).click();
  await expect(page.getByLabel('Environment variables 1 name')).toHaveValue('DEMO_TOKEN');
  await expect(page.getByLabel('Environment variables 1 value')).toHaveValue('');
  expect(await page.content()).not.toContain(SECRET);
  await page.getByRole('button', { name: 'Cancel' }).click();

  // Off stops it; the status says so.
  await section.getByRole('switch', { name: 'Use everything' }).click();
  await expect(section.getByRole('status', { name: 'everything status' })).toHaveText('Off');
});
