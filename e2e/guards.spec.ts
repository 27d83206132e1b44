import { expect, test, type Page } from '@playwright/test';
import type { ApiServerStatus } from '../src/shared/serverDto';
import { startHearth, type HearthServer } from './support/hearthServer';
import { MODELS, populateE2eModels } from './support/models';
import { RpcClient } from './support/rpcClient';
import { freePort } from '../src/main/testing/freePort';

// Wrong inputs are refused or warned about where they are typed, settings are kept, and the API
// server stays where clients point. The real built app, real llama.cpp, generated models.
let server: HearthServer;
let rpc: RpcClient;

test.beforeAll(async () => {
  server = await startHearth({ populate: populateE2eModels });
  rpc = await RpcClient.connect(server.origin, server.token);
  await rpc.call('inference.loadModel', { modelId: MODELS.small.id, contextSize: 1024, parallel: 1, force: true });
});
test.afterAll(async () => {
  rpc.close();
  expect(await server.stop()).toBe(0);
});


async function openChat(page: Page) {
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
  const panel = page.getByRole('complementary', { name: 'Parameters' });
  if (!(await panel.isVisible())) await page.getByRole('button', { name: 'Parameters' }).click();
  await expect(panel).toBeVisible();
  return panel;
}

test('an invalid temperature disables Send and says why; the panel names its scope', async ({ page }) => {
  const panel = await openChat(page);
  await expect(panel.getByTestId('params-scope')).toHaveText(/new chat/);
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill('Hello');
  const sendButton = page.getByRole('button', { name: 'Send' });
  await expect(sendButton).toBeEnabled();
  await panel.getByLabel('Temperature').fill('99');
  await expect(sendButton).toBeDisabled();
  await expect(page.getByText(/^Fix Parameters to send — Temperature must be /)).toBeVisible();
  // Enter does not send either.
  await box.press('Enter');
  await expect(page.getByRole('article', { name: 'user message' })).toHaveCount(0);
  await panel.getByLabel('Temperature').fill('0.5');
  await expect(sendButton).toBeEnabled();
  await panel.getByLabel('Max tokens').fill('4');
  await box.press('Enter');
  await expect(page.getByRole('article', { name: 'assistant message' }).getByTestId('reply-stats')).toBeVisible({ timeout: 60_000 });
  await expect(panel.getByTestId('params-scope')).toHaveText('For this chat only');
});

test('New chat puts the focus in the message box; a preset asks before replacing my system prompt', async ({ page }) => {
  const panel = await openChat(page);
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeFocused();
  await panel.getByLabel('System prompt').fill('You are my pirate.');
  await panel.getByRole('button', { name: 'JSON extraction' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Replace your system prompt' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Keep mine' }).click();
  await expect(panel.getByLabel('System prompt')).toHaveValue('You are my pirate.');
  await expect(panel.getByLabel('JSON schema')).not.toHaveValue('');
  await panel.getByRole('button', { name: 'JSON extraction' }).click();
  await dialog.getByRole('button', { name: 'Replace it' }).click();
  await expect(panel.getByLabel('System prompt')).toHaveValue(/nutrition facts/);
});

test('a context above the trained length is refused with a message; a chosen context is kept after an unload', async ({ page }) => {
  // Core refuses it outright (never loads at the trained length without a word).
  await expect(rpc.call('inference.loadModel', { modelId: MODELS.small.id, contextSize: 131_072 })).rejects.toThrow(/trained for a context of 8192 tokens; 131072/);
  const panel = await openChat(page);
  await panel.getByRole('button', { name: 'Load settings' }).click();
  const context = panel.getByLabel('Context length');
  await expect(panel.getByText('Trained for 8192 tokens (the most it can use).')).toBeVisible();
  await context.fill('131072');
  await expect(panel.getByText('Context length can be at most 8192: the model was trained for 8192 tokens.')).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Apply and reload…' })).toBeDisabled();
  await panel.getByLabel('Threads').fill('64');
  await expect(panel.getByText(/^64 threads on \d+ cores: generation will be much slower/)).toBeVisible();
  await panel.getByLabel('Threads').fill('1');

  await context.fill('2048');
  await panel.getByRole('button', { name: 'Apply and reload…' }).click();
  await panel.getByRole('alertdialog', { name: 'Reload the model' }).getByRole('button', { name: 'Reload' }).click();
  const bar = page.getByRole('region', { name: 'Model bar' });
  await expect(bar).toContainText('2048 ctx', { timeout: 60_000 });
  // Unload and load again from the picker: the chosen context comes back, and the picker agrees with the header.
  await bar.getByRole('button', { name: /choose model/ }).click();
  await expect(page.getByText('2048 ctx loaded')).toBeVisible();
  await page.getByRole('button', { name: /^Unload / }).click();
  await expect(bar).toContainText('No model loaded');
  await bar.getByRole('button', { name: /choose model/ }).click();
  await page.getByRole('button', { name: `Load ${MODELS.small.name}` }).or(page.getByRole('button', { name: /^Load .*SmolLM2/ })).first().click();
  await expect(bar).toContainText('2048 ctx', { timeout: 60_000 });
});

test('the API server keeps its port across a restart with a new key; a busy port is reported before it stops', async ({ page }) => {
  const port = await freePort();
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Server' }).click();
  await page.getByLabel('Port').fill(String(port));
  await page.getByRole('button', { name: 'Generate key' }).click();
  const firstKey = await page.getByLabel(/New API key/).inputValue();
  const toggle = page.getByRole('switch', { name: 'API server' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  await expect(page.getByTestId('server-base-url')).toHaveText(baseUrl);

  await page.getByRole('button', { name: 'Generate new key' }).click();
  const secondKey = await page.getByLabel(/New API key/).inputValue();
  await page.getByRole('button', { name: 'Restart with these settings' }).click();
  await page.getByRole('button', { name: 'Restart', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Restart with these settings' })).toHaveCount(0);
  await expect(page.getByTestId('server-base-url')).toHaveText(baseUrl);
  await expect(page.getByLabel('Port')).toHaveValue(String(port));
  expect((await fetch(`${baseUrl}/models`, { headers: { Authorization: `Bearer ${secondKey}` } })).status).toBe(200);
  expect((await fetch(`${baseUrl}/models`, { headers: { Authorization: `Bearer ${firstKey}` } })).status).toBe(401);

  // The web server's own port is busy: refused before the running server is touched.
  await page.getByLabel('Port').fill(String(server.port));
  await page.getByRole('button', { name: 'Restart with these settings' }).click();
  await page.getByRole('button', { name: 'Restart', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'already in use' })).toContainText(`keeps running on port ${port}`);
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  expect((await fetch(`${baseUrl}/models`, { headers: { Authorization: `Bearer ${secondKey}` } })).status).toBe(200);
  const status = await rpc.call<ApiServerStatus>('server.getStatus');
  expect(status).toMatchObject({ running: true, port, settings: { port } });
  await rpc.call('server.stop');
});
