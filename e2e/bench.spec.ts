import { expect, test } from '@playwright/test';
import type { BenchOverview } from '../src/shared/benchDto';
import type { LoadedModel } from '../src/shared/dto';
import { startHearth, type HearthServer } from './support/hearthServer';
import { MODELS, populateE2eModels } from './support/models';
import { RpcClient } from './support/rpcClient';

// The Benchmark action on a loaded model, on the real built app and engine (CPU only): the result
// shows on the Hardware view, the model stays loaded, and its next load takes the tuned threads.
let server: HearthServer;
let rpc: RpcClient;

test.beforeAll(async () => {
  server = await startHearth({ populate: populateE2eModels });
  rpc = await RpcClient.connect(server.origin, server.token);
});
test.afterAll(async () => {
  rpc.close();
  expect(await server.stop()).toBe(0);
});

test('Benchmark on the loaded model shows pp/tg per thread count, the best one, and the machine profile', async ({ page }) => {
  test.setTimeout(240_000);
  const loaded = await rpc.call<LoadedModel>('inference.loadModel', { modelId: MODELS.tiny.id, contextSize: 512 });
  await page.goto(server.url);
  await page.getByRole('navigation').getByRole('link', { name: 'Hardware' }).click();

  const card = page.getByRole('region', { name: 'Benchmark' });
  await expect(card.getByText(/Load a model|Measures Hearth Tiny/)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Machine profile' }).getByTestId('bandwidth-cpu')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Machine profile' })).toContainText('default (not benchmarked yet)');

  await card.getByRole('button', { name: `Benchmark ${MODELS.tiny.name}` }).click();
  // Progress while it runs (the loaded model is untouched), then the table.
  const table = card.getByRole('table', { name: `Benchmark of ${MODELS.tiny.name}` });
  await expect(table).toBeVisible({ timeout: 180_000 });
  const overview = await rpc.call<BenchOverview>('bench.getResults');
  const result = overview.results[0]!;
  expect(result.modelId).toBe(MODELS.tiny.id);
  expect(result.runs.length).toBeGreaterThanOrEqual(1);
  await expect(table.getByRole('row')).toHaveCount(result.runs.length + 1);
  await expect(table.getByRole('columnheader', { name: 'pp512 tok/s' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'tg128 tok/s' })).toBeVisible();
  const bestRow = table.getByRole('row').filter({ hasText: 'Best' });
  await expect(bestRow).toHaveCount(1);
  await expect(bestRow.getByRole('cell').first()).toHaveText(`Best${result.bestThreads}`);
  await expect(card).toContainText(`best at ${result.bestThreads} thread`);

  const profile = page.getByRole('region', { name: 'Machine profile' });
  await expect(profile).toContainText(`measured with ${MODELS.tiny.id}`);
  expect(overview.machine.cpu.source).toBe('measured');
  expect(overview.tunedThreads[MODELS.tiny.id]).toBe(result.bestThreads);

  // The chat engine kept its model through the benchmark.
  const state = await rpc.call<{ loaded: LoadedModel | null }>('inference.getState');
  expect(state.loaded?.loadedAt).toBe(loaded.loadedAt);
});
