import { expect, test, type Page } from '@playwright/test';
import type { LoadedModel, ModelInfo } from '../src/shared/dto';
import type { HardwareSnapshot, ModelFit } from '../src/shared/hardwareDto';
import { fitLabelText, formatBytes } from '../src/shared/format';
import { startHearth, type HearthServer } from './support/hearthServer';
import { MODELS, populateE2eModels } from './support/models';
import { RpcClient } from './support/rpcClient';

// The Hardware view and the fit badges of the Models view, on this machine (CPU only: HEARTH_GPU=off).
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

async function open(page: Page, view: 'Models' | 'Hardware' | 'Chat') {
  await page.goto(server.url);
  await page.getByRole('navigation').getByRole('link', { name: view }).click();
}

test('the Hardware view shows this machine: RAM as a meter, the CPU, and the llama.cpp backend', async ({ page }) => {
  await open(page, 'Hardware');
  await expect(page.getByRole('heading', { name: 'Hardware', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Hardware' })).toHaveAttribute('aria-current', 'page');

  const ram = page.getByRole('meter', { name: 'RAM' });
  await expect(ram).toBeVisible();
  const total = Number(await ram.getAttribute('aria-valuemax'));
  const used = Number(await ram.getAttribute('aria-valuenow'));
  expect(total).toBeGreaterThan(1e9);
  expect(used).toBeGreaterThan(0);
  expect(used).toBeLessThanOrEqual(total);
  await expect(ram).toHaveAttribute('aria-valuetext', /^[\d.]+ \/ [\d.]+ GB used, [\d.]+ GB free \(\d+ % used\)$/);

  await expect(page.getByText('llama.cpp backend: CPU')).toBeVisible();
  const cpu = page.getByRole('region', { name: 'CPU', exact: true });
  await expect(cpu.getByTestId('cpu-model')).toHaveText(/\S/);
  // The page shows what the server reads, not something of its own.
  const snapshot = await rpc.call<HardwareSnapshot>('hardware.getSnapshot');
  expect(snapshot.ram.totalBytes).toBe(total);
  if (snapshot.cpu.model) await expect(cpu).toContainText(snapshot.cpu.model);
  await expect(page.getByText(snapshot.llama?.binary === 'built here' ? 'built on this machine' : 'prebuilt', { exact: true })).toBeVisible();
  await expect(cpu).toContainText(`${snapshot.cpu.logicalCores} logical cores`);
  for (const flag of snapshot.cpu.simd) {
    await expect(cpu.getByRole('list', { name: 'SIMD extensions' }).getByText(flag, { exact: true })).toBeVisible();
  }

  // Refresh reads again, from the keyboard too, and the meters stay.
  await page.getByRole('button', { name: 'Refresh' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Refresh', exact: true })).toBeEnabled();
  await expect(page.getByRole('meter', { name: 'RAM' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

/** The part of a reason that does not move with free RAM: "Q4_0: 75.8 MB weights + 190.7 MB context". */
function sizesOf(fit: ModelFit): string {
  const [sizes] = fit.estimate!.reason.split(' fits in ');
  expect(sizes).toMatch(/ weights \+ .* context$/);
  return sizes!;
}

test('each readable model has a fit badge, and its reasoning follows the context length', async ({ page }) => {
  const models = await rpc.call<ModelInfo[]>('library.listModels');
  const trained = models.find((m) => m.id === MODELS.small.id)!.metadata!.trainedContextLength;
  const fitsAt = async (contextSize: number) =>
    (await rpc.call<ModelFit[]>('library.estimateFits', { contextSize })).find((f) => f.modelId === MODELS.small.id)!;
  const [short, long] = [await fitsAt(2048), await fitsAt(131072)];
  expect(short.estimate?.label).toBe('cpu');
  expect(long.estimate!.ram.kvCacheBytes).not.toBe(short.estimate!.ram.kvCacheBytes);

  await open(page, 'Models');
  await expect(page.getByRole('heading', { name: 'My Models' })).toBeVisible();
  const contextLength = page.getByLabel('Context length');
  await expect(contextLength).toHaveValue('8192');

  // Every readable model has a badge; the unreadable file has none.
  const table = page.getByRole('table', { name: 'Local models' });
  await expect(table.getByTestId('fit-badge')).toHaveCount(2);
  const row = table.getByRole('row').filter({ has: page.getByRole('button', { name: `Load ${MODELS.small.name}` }) });
  const badge = row.getByTestId('fit-badge');
  await expect(badge).toHaveText(fitLabelText.cpu);
  await expect(badge).toHaveAttribute('title', /^Fits in RAM \(CPU\): /);

  await contextLength.selectOption('2048');
  const why = page.getByRole('button', { name: `Why? ${MODELS.small.name}` });
  await expect(why).toHaveAttribute('aria-expanded', 'false');
  await why.focus();
  await page.keyboard.press('Enter');
  await expect(why).toHaveAttribute('aria-expanded', 'true');
  const details = page.getByRole('region', { name: `Fit details: ${MODELS.small.name}` });
  await expect(details.getByTestId('fit-context')).toHaveText('2048 tokens');
  const kvCache = details.getByRole('table', { name: 'Memory split' }).getByRole('row', { name: /KV cache/ });
  await expect(kvCache).toContainText(formatBytes(short.estimate!.ram.kvCacheBytes));
  await expect(details.getByTestId('fit-reason')).toContainText(sizesOf(short));
  await expect(details).toContainText(`0 of ${short.estimate!.totalLayers}`);
  if (short.recommended) {
    await expect(row.getByText('Recommended', { exact: true })).toBeVisible();
    // Up to the numbers in brackets, which move with free RAM.
    await expect(details).toContainText(`Recommended: ${short.recommendation!.split(' (')[0]}`);
  }

  // A longer context: the server caps it at the model's trained length, and the KV cache grows.
  await contextLength.selectOption('131072');
  await expect(details.getByTestId('fit-context')).toHaveText(`${Math.min(131072, trained)} tokens`);
  await expect(kvCache).toContainText(formatBytes(long.estimate!.ram.kvCacheBytes));
  await expect(kvCache).not.toContainText(formatBytes(short.estimate!.ram.kvCacheBytes));
  await expect(details.getByTestId('fit-reason')).toContainText(sizesOf(long));

  await why.click();
  await expect(details).toHaveCount(0);
});

test('the model bar shows predicted against measured memory of the load', async ({ page }) => {
  const loaded = await rpc.call<LoadedModel>('inference.loadModel', { modelId: MODELS.small.id, contextSize: 1024 });
  try {
    await open(page, 'Chat');
    await expect(page.getByTestId('model-bar-name')).toHaveText(MODELS.small.name);
    if (loaded.memory) {
      await expect(page.getByTestId('model-bar-memory')).toHaveText(/^RAM [\d.]+ [KMG]?B in use · ([\d.]+ % (above|below) the estimate|as estimated)$/);
    } else {
      await expect(page.getByTestId('model-bar-memory')).toHaveCount(0);
    }
  } finally {
    await rpc.call('inference.unloadModel');
  }
});

test('with a memory limit, the badge of a model changes when the context length changes', async ({ browser }) => {
  // 850 MB for models: the small model fits with 2048 tokens of context but not with 8192.
  const limited = await startHearth({ populate: populateE2eModels, env: { HEARTH_MEMORY_LIMIT: '850MB' } });
  const page = await browser.newPage();
  try {
    await page.goto(limited.url);
    await page.getByRole('navigation').getByRole('link', { name: 'Models' }).click();
    const table = page.getByRole('table', { name: 'Local models' });
    // By file name: the row keeps it whatever its buttons show.
    const row = table.getByRole('row').filter({ hasText: MODELS.small.id.split('/').pop()! });
    const badge = row.getByTestId('fit-badge');
    await expect(badge).toHaveText(fitLabelText['too-large']);
    await page.getByLabel('Context length').selectOption('2048');
    await expect(badge).toHaveText(fitLabelText.cpu);
    await page.getByLabel('Context length').selectOption('8192');
    await expect(badge).toHaveText(fitLabelText['too-large']);
    await expect(badge).toHaveAttribute('title', /RAM/);
    // Loading with the chosen context that will not fit warns first; Cancel loads nothing.
    await row.getByRole('button', { name: `Load ${MODELS.small.name}` }).click();
    const warning = row.getByRole('alertdialog', { name: `Load ${MODELS.small.name} anyway?` });
    await expect(warning).toContainText('Will not fit with 8192 tokens of context');
    await warning.getByRole('button', { name: 'Cancel' }).click();
    await expect(warning).toHaveCount(0);
    const client = await RpcClient.connect(limited.origin, limited.token);
    expect((await client.call<{ loaded: LoadedModel | null }>('inference.getState')).loaded).toBeNull();
    // "Load anyway" overrides the estimate.
    await row.getByRole('button', { name: `Load ${MODELS.small.name}` }).click();
    await warning.getByRole('button', { name: 'Load anyway' }).click();
    await expect(row.getByRole('button', { name: `Unload ${MODELS.small.name}` })).toBeVisible();
    expect((await client.call<{ loaded: LoadedModel | null }>('inference.getState')).loaded?.settings.contextSize).toBe(8192);
    await row.getByRole('button', { name: `Unload ${MODELS.small.name}` }).click();
    await expect(row.getByRole('button', { name: `Load ${MODELS.small.name}` })).toBeVisible();
    // With a context that fits (as its badge says), Load loads it with that context.
    await page.getByLabel('Context length').selectOption('2048');
    await expect(badge).toHaveText(fitLabelText.cpu);
    await row.getByRole('button', { name: `Load ${MODELS.small.name}` }).click();
    await expect(row.getByRole('button', { name: `Unload ${MODELS.small.name}` })).toBeVisible();
    const state = await client.call<{ loaded: LoadedModel | null }>('inference.getState');
    expect(state.loaded?.settings.contextSize).toBe(2048);
    // Asking for 8192 explicitly is refused with the reason, unless forced.
    await expect(client.call('inference.loadModel', { modelId: MODELS.small.id, contextSize: 8192 })).rejects.toMatchObject({
      code: 'WONT_FIT',
      message: expect.stringContaining('will not fit'),
    });
    client.close();
  } finally {
    await page.close();
    await limited.stop();
  }
});
