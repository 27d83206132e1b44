import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startHearth, type HearthServer } from './support/hearthServer';
import { expectButtonsInside, expectNoHorizontalOverflow } from './support/layout';
import { MODELS, populateE2eModels } from './support/models';

// Remote engines (issue 16) in the real built app: a second `hearth serve` with its API and a key
// is the remote. Settings → Providers adds it; a chat picks its model in the model picker and gets
// a reply written by the remote's engine, recorded as `<provider>/<model>`.
const KEY = 'e2e-remote-key-41c9';
let remote: HearthServer;
let gateway: HearthServer;
let remoteApi: string;

test.beforeAll(async () => {
  remote = await startHearth({ populate: populateE2eModels, args: ['--api-port', '0', '--api-key', KEY] });
  remoteApi = /Hearth API at (\S+)/.exec(remote.stdoutLines().join('\n'))![1]!;
  gateway = await startHearth({ populate: populateE2eModels });
});
test.afterAll(async () => {
  expect(await gateway.stop()).toBe(0);
  expect(await remote.stop()).toBe(0);
});

test('adds a provider in Settings, then a chat on its model gets a reply from the remote', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(gateway.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const section = page.getByRole('region', { name: 'Providers' });
  await expect(section.getByText('No providers yet.')).toBeVisible();
  await section.getByRole('button', { name: 'Add provider' }).click();
  const form = page.getByRole('form', { name: 'Add provider' });
  await form.getByLabel('Name', { exact: true }).fill('lab');
  await form.getByLabel('Base URL').fill(remoteApi);
  await form.getByLabel('API key (optional)').fill(KEY);
  await form.getByRole('button', { name: 'Add' }).click();

  const row = section.getByRole('listitem', { name: 'lab' });
  await expect(row.getByText('Answers')).toBeVisible({ timeout: 30_000 });
  await expect(row.getByText(/hearth .* key stored/)).toBeVisible();
  const remoteId = `lab/${MODELS.tiny.id}`;
  await expect(row.getByRole('list', { name: 'Models of lab' }).getByText(remoteId, { exact: true })).toBeVisible();
  expect(await page.content()).not.toContain(KEY);
  await page.setViewportSize({ width: 800, height: 600 });
  await expectNoHorizontalOverflow(page, 'Settings with a provider at 800×600');
  await expectButtonsInside(page, 'Settings with a provider at 800×600');

  // The key is in the owner-only key file of the data dir and nowhere else there.
  const holders: string[] = [];
  for (const name of await readdir(gateway.dataDir, { recursive: true })) {
    const path = join(gateway.dataDir, name);
    if ((await stat(path)).isFile() && (await readFile(path, 'utf8')).includes(KEY)) holders.push(name);
  }
  expect(holders).toEqual([join('secrets', 'provider-keys.json')]);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click();
  const modelBar = page.getByRole('region', { name: 'Model bar' });
  await modelBar.getByRole('button', { name: /choose model/ }).click();
  const menu = page.getByRole('dialog', { name: 'Models' });
  await menu.getByRole('list', { name: 'Remote models' }).getByRole('button', { name: `Use ${remoteId} in this chat` }).click();
  await expect(modelBar.getByTestId('model-bar-status')).toHaveText('Remote · lab');
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Hello over there');
  await page.getByRole('button', { name: 'Send' }).click();
  const reply = page.getByRole('article', { name: 'assistant message' }).last();
  await expect(reply).not.toHaveAttribute('aria-busy', 'true', { timeout: 60_000 });
  await expect(reply).not.toBeEmpty();
  await expect(reply.getByRole('alert')).toHaveCount(0);
});
