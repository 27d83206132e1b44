import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { InferenceState, LoadedModel } from '../src/shared/dto';
import type { LabRun } from '../src/shared/labDto';
import { defaultFixtureCacheDir, ensureFixtureModel } from '../src/main/fixtures/gguf/generateModel';
import { startHearth, type HearthServer } from './support/hearthServer';
import { RpcClient } from './support/rpcClient';

// The quantization lab from the UI: two generated quantizations of the same weights (tiny preset),
// measured by the real engine in a process of its own while the chat engine keeps its model.
const F16 = 'hearth-test/tiny-GGUF/hearth-tiny-f16.gguf';
const Q4 = 'hearth-test/tiny-GGUF/hearth-tiny-q4_0.gguf';
let server: HearthServer;
let rpc: RpcClient;

test.beforeAll(async () => {
  server = await startHearth({
    populate: async (modelsDir) => {
      const cache = defaultFixtureCacheDir();
      for (const [type, id] of [['F16', F16], ['Q4_0', Q4]] as const) {
        await mkdir(dirname(join(modelsDir, id)), { recursive: true });
        await copyFile(await ensureFixtureModel(cache, { preset: 'tiny', type }), join(modelsDir, id));
      }
    },
  });
  rpc = await RpcClient.connect(server.origin, server.token);
});
test.afterAll(async () => {
  rpc.close();
  expect(await server.stop()).toBe(0);
});

test('runs the lab on two quantizations from the UI: table, chart, CSV export; the loaded model stays', async ({ page }) => {
  test.setTimeout(180_000);
  const loaded = await rpc.call<LoadedModel>('inference.loadModel', { modelId: Q4, contextSize: 512 });

  await page.goto(server.url);
  await page.getByRole('navigation').getByRole('link', { name: 'Lab' }).click();
  await expect(page.getByRole('heading', { name: 'Quantization lab', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Lab' })).toHaveAttribute('aria-current', 'page');

  // The two files are found as one model and both ticked.
  await expect(page.getByLabel('Model')).toContainText('Hearth Tiny · 2 files');
  await expect(page.getByRole('checkbox', { name: /hearth-tiny-f16\.gguf/ })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: /hearth-tiny-q4_0\.gguf/ })).toBeChecked();
  await page.getByLabel('Tokens per chunk').fill('128');
  await page.getByLabel('Chunks (empty = all)').fill('2');
  await page.getByRole('button', { name: 'Run lab' }).click();

  const results = page.getByRole('region', { name: 'Lab results' });
  await expect(results.getByRole('row', { name: /hearth-tiny-q4_0\.gguf/ })).toBeVisible({ timeout: 150_000 });
  await expect(page.getByRole('progressbar', { name: 'Lab progress' })).toHaveCount(0);
  const table = results.getByRole('table', { name: 'Lab results' });
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table.getByRole('columnheader', { name: 'Mean KLD' })).toBeVisible();
  await expect(table.getByRole('row', { name: /hearth-tiny-f16\.gguf/ })).toContainText('(base)');
  await expect(table.getByRole('row', { name: /hearth-tiny-q4_0\.gguf/ })).toContainText('tok/s');
  await expect(results.getByRole('img', { name: /Chart: file size against generation speed/ })).toBeVisible();
  await expect(results.getByTestId('lab-chart-point')).toHaveCount(2);
  await expect(page.getByRole('alert')).toHaveCount(0);

  // What the page shows is the stored run.
  const [run] = await rpc.call<LabRun[]>('lab.listResults');
  expect(run!.files.map((f) => f.modelId)).toEqual([F16, Q4]);
  expect(run!.chunks).toBe(2);
  await expect(table.getByRole('row', { name: /hearth-tiny-q4_0\.gguf/ })).toContainText(run!.files[1]!.kldMean.toFixed(5));

  const [download] = await Promise.all([page.waitForEvent('download'), results.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^hearth-lab-.*\.csv$/);
  const csv = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
  expect(csv).toHaveLength(3);
  expect(csv[0]).toContain('modelId,fileName,quantization,isBase,size');
  expect(csv[2]).toContain(Q4);

  // The chat engine kept its model through the lab.
  const state = await rpc.call<InferenceState>('inference.getState');
  expect(state.loaded?.loadedAt).toBe(loaded.loadedAt);
});
