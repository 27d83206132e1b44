import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { RemoteRepoFit } from '../src/shared/hubDto';
import { startHubFixtureServer, TINY_REPO, type HubFixtureServer } from '../src/main/testing/hub/hubFixtureServer';
import { startHearth, type HearthServer } from './support/hearthServer';
import { RpcClient } from './support/rpcClient';

// The repo page's trade-off: predicted speed and quality loss per file, the Recommended file first
// with the only primary button, and the preference changing the pick (fixture Hub, real estimates).
let hub: HubFixtureServer;
let server: HearthServer;
let rpc: RpcClient;
let noHfHome: string;

test.beforeAll(async () => {
  noHfHome = await mkdtemp(join(tmpdir(), 'hearth-no-hf-'));
  hub = await startHubFixtureServer();
  server = await startHearth({ env: { HF_ENDPOINT: hub.endpoint, HF_TOKEN: '', HF_HOME: noHfHome } });
  rpc = await RpcClient.connect(server.origin, server.token);
});
test.afterAll(async () => {
  rpc?.close();
  expect(await server?.stop()).toBe(0);
  await hub?.close();
  await rm(noHfHome, { recursive: true, force: true });
});

test('the repo page shows speed and quality per file, Recommended first, and follows the preference', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto(`${server.url}#/discover/${TINY_REPO}`);
  const table = page.getByRole('table', { name: `Models of ${TINY_REPO}` });
  await expect(table.getByRole('columnheader', { name: 'Speed here' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Quality loss' })).toBeVisible();
  const rows = table.getByRole('row');
  await expect(rows.nth(1).getByText('Recommended', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(table.getByText('Recommended', { exact: true })).toHaveCount(1);

  const fits = await rpc.call<RemoteRepoFit>('hub.estimateFits', { repo: TINY_REPO });
  const recommended = fits.files.find((file) => file.recommended)!;
  await expect(rows.nth(1)).toContainText(recommended.name);
  // Balanced on a CPU: the 4-bit file, with all three sides in its reason.
  expect(recommended.quant).toBe('Q4_0');
  await expect(rows.nth(1)).toContainText(/Q4_0 — fits in RAM .+ tok\/s .+ quality loss vs F16/);
  for (const file of fits.files) {
    const row = rows.filter({ hasText: file.name });
    await expect(row.getByTestId('predicted-speed')).toHaveText(/^≈ [\d.]+ tok\/s$/);
    await expect(row.getByTestId('quality-loss')).toHaveText(file.quant === 'F16' ? '0 %' : /^(≈ [\d.]+|< 0\.1) %$/);
  }

  await page.getByLabel('Recommend for').selectOption('quality');
  await expect(rows.nth(1)).toContainText('hearth-tiny-F16.gguf');
  await expect(rows.nth(1).getByText('Recommended', { exact: true })).toBeVisible();
  await expect(rows.nth(1)).toContainText('the most precise file that fits');
  // The setting is kept: core answers with it from now on.
  expect((await rpc.call<{ preference: string }>('recommendation.getPreference')).preference).toBe('quality');
  await page.getByLabel('Recommend for').selectOption('balanced');
  await expect(rows.nth(1)).toContainText(recommended.name);
});
